package dev.forgepreview.workflows.activities;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The database clone and Redis flush over SSH. Runs on the {@code forge-preview} task queue. SSH
 * keys and database passwords come from the worker's configuration or are derived inside the
 * activity; none is in a request.
 */
@ActivityInterface
public interface DatabaseCloneActivities {

  /**
   * Streams {@code mysqldump --single-transaction --quick} of the master (or, with {@code
   * fromSnapshot}, of its newest complete snapshot) into the preview's database; heartbeats the
   * bytes copied; a retry starts from an empty target. A missing master database gives {@code
   * cloned=false} with a warning instead of a failure; no snapshot yet gives a live copy with a
   * warning.
   */
  @ActivityMethod
  CloneResult cloneDatabase(CloneDatabaseRequest request);

  /**
   * Refreshes the master snapshot on the master's server: {@code mysqldump --single-transaction} of
   * the master into the snapshot database {@code snapshot} (emptied first, so a retry starts over),
   * the scrub script run inside it, then it is marked complete in the catalog and only the newest
   * {@code keep} complete snapshots stay (older ones, and unfinished ones of earlier attempts, are
   * dropped). Until it is marked complete no clone reads it.
   */
  @ActivityMethod
  SnapshotResult refreshSnapshot(RefreshSnapshotRequest request);

  /** {@code redis-cli -n <db> FLUSHDB} on the preview's server. */
  @ActivityMethod
  void flushRedis(FlushRedisRequest request);

  /**
   * @param targetHost the preview server's address (SSH and MySQL run there)
   * @param targetUser the preview's database user, whose password is derived from previewId
   */
  record CloneDatabaseRequest(
      String requestId,
      String previewId,
      MasterDatabase master,
      String targetHost,
      String targetDatabase,
      String targetUser,
      boolean fromSnapshot) {

    /** A clone of the live master (runs from before snapshots). */
    public CloneDatabaseRequest(
        String requestId,
        String previewId,
        MasterDatabase master,
        String targetHost,
        String targetDatabase,
        String targetUser) {
      this(requestId, previewId, master, targetHost, targetDatabase, targetUser, false);
    }
  }

  /**
   * @param source what was read, and how old it is; null when nothing was cloned (and in results
   *     from before snapshots)
   * @param warning why nothing was cloned, or why the live master was read instead of a snapshot
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CloneResult(boolean cloned, long bytesCopied, String warning, DataSource source) {
    public CloneResult(boolean cloned, long bytesCopied, String warning) {
      this(cloned, bytesCopied, warning, null);
    }
  }

  /**
   * @param snapshot the snapshot database to write ({@code PreviewNames.snapshotDatabase})
   * @param takenAt the snapshot's time (ISO-8601 instant), recorded in the catalog
   * @param scrubScript SQL run inside the snapshot before it is complete; null for none
   */
  record RefreshSnapshotRequest(
      String requestId,
      MasterDatabase master,
      String snapshot,
      String takenAt,
      int keep,
      String scrubScript) {}

  /**
   * @param snapshot the new snapshot database
   * @param sizeBytes its size on the server (data and indexes)
   * @param kept the complete snapshots left, newest first (the new one first)
   * @param dropped the snapshot databases dropped
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SnapshotResult(
      String snapshot, String takenAt, long sizeBytes, List<String> kept, List<String> dropped) {}

  record FlushRedisRequest(String requestId, String host, int database) {}
}
