package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Step 7 asks for the newest snapshot, and the status says where the data came from and when. */
class CloneFromSnapshotTest {

  @Test
  void theStatusNamesTheSnapshotAndItsTime() {
    DataSource snapshot =
        new DataSource(
            DataSource.Kind.SNAPSHOT, "fps_20261129_030000_shop", "2026-11-29T03:00:00Z", 4096);
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.clone.cloneDatabase(any()))
          .thenReturn(new CloneResult(true, 2048, null, snapshot));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<CloneDatabaseRequest> asked =
          ArgumentCaptor.forClass(CloneDatabaseRequest.class);
      verify(activities.clone).cloneDatabase(asked.capture());
      assertThat(asked.getValue().fromSnapshot()).isTrue();
      PreviewStatus status = workflow.status();
      assertThat(status.data()).isEqualTo(snapshot);
      assertThat(status.warnings()).isEmpty();
      assertThat(step(status, "clone-database").state()).isEqualTo(StepRecord.StepState.SUCCEEDED);
      assertThat(step(status, "clone-database").message())
          .contains("fps_20261129_030000_shop", "2026-11-29T03:00:00Z");
    }
  }

  @Test
  void aCloneOfTheLiveMasterIsAWarningWithItsTime() {
    DataSource live =
        new DataSource(DataSource.Kind.LIVE_MASTER, "shop", "2026-11-30T10:00:00Z", 0);
    String why = "no complete snapshot of shop on db.acme.internal yet: cloned the live master";
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.clone.cloneDatabase(any()))
          .thenReturn(new CloneResult(true, 2048, why, live));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(43, "feature/y", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.data()).isEqualTo(live);
      assertThat(status.warnings()).anyMatch(w -> w.startsWith("clone-database: " + why));
      assertThat(step(status, "clone-database").state()).isEqualTo(StepRecord.StepState.WARNING);
    }
  }

  private static StepRecord step(PreviewStatus status, String name) {
    return status.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
