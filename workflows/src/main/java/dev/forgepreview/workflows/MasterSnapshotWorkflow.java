package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.SnapshotResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Run by the Temporal Schedule {@code master-snapshot:{owner}:{repo}} (one per repository with a
 * {@code masterDatabase}): refreshes the repository's master snapshot ({@link
 * dev.forgepreview.workflows.activities.DatabaseCloneActivities#refreshSnapshot}) with the
 * repository's settings as they are when it runs. The result, and the {@code status} query while it
 * runs, say what was made: the snapshot database, its time and size, what was kept and dropped. A
 * refresh that cannot reach the master fails after its retries; the previous snapshot stays in use.
 */
@WorkflowInterface
public interface MasterSnapshotWorkflow {

  @WorkflowMethod(name = PreviewIds.SNAPSHOT_WORKFLOW_TYPE)
  SnapshotStatus refresh(SnapshotRequest request);

  @QueryMethod(name = PreviewIds.QUERY_STATUS)
  SnapshotStatus status();

  @JsonIgnoreProperties(ignoreUnknown = true)
  record SnapshotRequest(String owner, String repo) {}

  enum State {
    LOADING_SETTINGS,
    REFRESHING,
    REFRESHED,
    NO_MASTER_DATABASE,
    FAILED
  }

  /**
   * @param snapshot what the refresh made (null until it is done)
   * @param error why the refresh failed (the previous snapshot stays in use)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SnapshotStatus(
      String repository, State state, String startedAt, SnapshotResult snapshot, String error) {}
}
