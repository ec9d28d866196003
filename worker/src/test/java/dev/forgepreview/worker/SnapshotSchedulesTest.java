package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotRequest;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewSettings.Snapshot;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The schedule the worker installs per repository with a master database. */
class SnapshotSchedulesTest {

  @Test
  void aCronScheduleRunsTheSnapshotWorkflowUnderTheSchedulesId() {
    String id = PreviewIds.snapshotScheduleId("Acme", "Shop");
    Schedule schedule =
        SnapshotSchedules.schedule(id, new SnapshotRequest("Acme", "Shop"), Snapshot.defaults());

    assertThat(id).isEqualTo("master-snapshot:acme:shop");
    assertThat(schedule.getSpec().getCronExpressions()).containsExactly("0 3 * * 0");
    assertThat(schedule.getSpec().getIntervals()).isNullOrEmpty();
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) schedule.getAction();
    assertThat(action.getWorkflowType()).isEqualTo(PreviewIds.SNAPSHOT_WORKFLOW_TYPE);
    assertThat(action.getOptions().getWorkflowId()).isEqualTo(id);
    assertThat(action.getOptions().getTaskQueue()).isEqualTo(PreviewIds.TASK_QUEUE);
    assertThat(schedule.getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
  }

  @Test
  void anIntervalScheduleRunsEveryInterval() {
    Schedule schedule =
        SnapshotSchedules.schedule(
            "master-snapshot:acme:shop",
            new SnapshotRequest("acme", "shop"),
            new Snapshot("P1D", 2, null));

    assertThat(schedule.getSpec().getCronExpressions()).isNullOrEmpty();
    assertThat(schedule.getSpec().getIntervals()).hasSize(1);
    assertThat(schedule.getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofDays(1));
  }
}
