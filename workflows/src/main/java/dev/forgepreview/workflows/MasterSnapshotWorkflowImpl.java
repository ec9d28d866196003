package dev.forgepreview.workflows;

import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.RefreshSnapshotRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.SnapshotResult;
import dev.forgepreview.workflows.activities.SettingsActivities;
import dev.forgepreview.workflows.activities.SettingsActivities.SettingsRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/** See {@link MasterSnapshotWorkflow}. */
public class MasterSnapshotWorkflowImpl implements MasterSnapshotWorkflow {
  private static final Logger log = Workflow.getLogger(MasterSnapshotWorkflowImpl.class);

  /**
   * How long a refresh keeps retrying a master it cannot reach (or a dump that broke off) before
   * the run fails; the next scheduled run tries again, and previews keep the previous snapshot.
   */
  static final Duration REFRESH_RETRY_WINDOW = Duration.ofHours(6);

  private final SettingsActivities settings =
      Workflow.newActivityStub(
          SettingsActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(PreviewIds.TASK_QUEUE)
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setScheduleToCloseTimeout(Duration.ofMinutes(10))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(5))
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setDoNotRetry(FailureType.NON_RETRYABLE)
                      .build())
              .build());

  private final DatabaseCloneActivities snapshots =
      Workflow.newActivityStub(
          DatabaseCloneActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(PreviewIds.TASK_QUEUE)
              .setSummary("Refresh the master snapshot")
              .setStartToCloseTimeout(Duration.ofHours(4))
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setScheduleToCloseTimeout(REFRESH_RETRY_WINDOW)
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofMinutes(1))
                      .setBackoffCoefficient(2.0)
                      .setMaximumInterval(Duration.ofMinutes(30))
                      .setDoNotRetry(FailureType.NON_RETRYABLE)
                      .build())
              .build());

  private SnapshotStatus status;

  @Override
  public SnapshotStatus refresh(SnapshotRequest request) {
    String repository = PreviewIds.repositoryKey(request.owner(), request.repo());
    // Whole seconds: the time names the snapshot database and orders the catalog.
    long now = Workflow.currentTimeMillis() / 1000 * 1000;
    String startedAt = Instant.ofEpochMilli(now).toString();
    status = new SnapshotStatus(repository, State.LOADING_SETTINGS, startedAt, null, null);
    PreviewSettings repo =
        settings.settingsFor(new SettingsRequest(request.owner(), request.repo()));
    PreviewSettings.MasterDatabase master = repo.masterDatabase();
    if (master == null) {
      status = new SnapshotStatus(repository, State.NO_MASTER_DATABASE, startedAt, null, null);
      log.info("{} has no masterDatabase: no snapshot to refresh", repository);
      return status;
    }
    PreviewSettings.Snapshot snapshot = repo.snapshotOrDefaults();
    String name = PreviewNames.snapshotDatabase(master.database(), now);
    status = new SnapshotStatus(repository, State.REFRESHING, startedAt, null, null);
    try {
      SnapshotResult result =
          snapshots.refreshSnapshot(
              new RefreshSnapshotRequest(
                  "snapshot:" + repository + ":" + name,
                  master,
                  name,
                  startedAt,
                  Math.max(1, snapshot.keep()),
                  snapshot.scrubScript()));
      status = new SnapshotStatus(repository, State.REFRESHED, startedAt, result, null);
      return status;
    } catch (ActivityFailure e) {
      String why = FailureText.reason(e);
      status = new SnapshotStatus(repository, State.FAILED, startedAt, null, why);
      log.warn(
          "the snapshot refresh of {} failed; previews keep the previous one: {}", repository, why);
      throw e;
    }
  }

  @Override
  public SnapshotStatus status() {
    return status;
  }
}
