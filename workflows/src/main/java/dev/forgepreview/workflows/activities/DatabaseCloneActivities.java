package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The database clone and Redis flush over SSH. Runs on the {@code forge-preview} task queue. SSH
 * keys and database passwords come from the worker's configuration or are derived inside the
 * activity; none is in a request.
 */
@ActivityInterface
public interface DatabaseCloneActivities {

  /**
   * Streams {@code mysqldump --single-transaction --quick} of the master into the preview's
   * database; heartbeats the bytes copied; a retry starts from an empty target. A missing master
   * database gives {@code cloned=false} with a warning instead of a failure.
   */
  @ActivityMethod
  CloneResult cloneDatabase(CloneDatabaseRequest request);

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
      String targetUser) {}

  record CloneResult(boolean cloned, long bytesCopied, String warning) {}

  record FlushRedisRequest(String requestId, String host, int database) {}
}
