package dev.forgepreview.worker;

import dev.forgepreview.workflows.MasterSnapshotWorkflow;
import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotRequest;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewSettings;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates one Temporal Schedule {@code master-snapshot:{owner}:{repo}} per repository
 * with a {@code masterDatabase}, running {@link MasterSnapshotWorkflow} on the repository's {@code
 * snapshot.schedule} (a cron expression or an interval). Overlapping runs are skipped; a run missed
 * while Temporal was down is caught up within a day. A server without schedules (the Java test
 * server) gets none: previews then clone the live master until a snapshot exists.
 */
public final class SnapshotSchedules {
  private static final Logger log = LoggerFactory.getLogger(SnapshotSchedules.class);
  private final ScheduleClient schedules;

  public SnapshotSchedules(ScheduleClient schedules) {
    this.schedules = schedules;
  }

  /** Returns the ids of the schedules in place (empty on a server without schedules). */
  public List<String> install(Collection<PreviewSettings> repositories) {
    List<String> installed = new ArrayList<>();
    for (PreviewSettings settings : repositories) {
      if (settings.masterDatabase() == null) {
        continue;
      }
      String repository = settings.repository();
      int slash = repository.indexOf('/');
      String owner = repository.substring(0, slash);
      String repo = repository.substring(slash + 1);
      String id = PreviewIds.snapshotScheduleId(owner, repo);
      Schedule schedule =
          schedule(id, new SnapshotRequest(owner, repo), settings.snapshotOrDefaults());
      try {
        try {
          schedules.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
          log.info("created the schedule {} ({})", id, settings.snapshotOrDefaults().schedule());
        } catch (ScheduleAlreadyRunningException e) {
          schedules.getHandle(id).update(input -> new ScheduleUpdate(schedule));
          log.info("updated the schedule {} ({})", id, settings.snapshotOrDefaults().schedule());
        }
        installed.add(id);
      } catch (StatusRuntimeException | ScheduleException e) {
        if (!CleanupSchedule.unimplemented(e)) {
          throw e;
        }
        log.warn(
            "this Temporal server has no schedules (the Java test server?): no master snapshot"
                + " schedules; previews clone the live master until a snapshot exists");
        return List.of();
      }
    }
    return installed;
  }

  static Schedule schedule(String id, SnapshotRequest request, PreviewSettings.Snapshot snapshot) {
    ScheduleSpec.Builder spec = ScheduleSpec.newBuilder();
    if (snapshot.isInterval()) {
      spec.setIntervals(List.of(new ScheduleIntervalSpec(Duration.parse(snapshot.schedule()))));
    } else {
      spec.setCronExpressions(List.of(snapshot.schedule().trim()));
    }
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(MasterSnapshotWorkflow.class)
                .setArguments(request)
                .setOptions(
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(PreviewIds.TASK_QUEUE)
                        .setWorkflowRunTimeout(Duration.ofHours(8))
                        .build())
                .build())
        .setSpec(spec.build())
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                .setCatchupWindow(Duration.ofDays(1))
                .build())
        .build();
  }
}
