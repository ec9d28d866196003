package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewCleanupWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java test server has no schedules: the worker says so and runs the cleanup itself. */
class CleanupScheduleFallbackTest {

  @Test
  void withoutSchedulesTheWorkerRunsTheCleanupOnItsOwnTimer() {
    CleanupActivities cleanup = mock(CleanupActivities.class, withSettings().withoutAnnotations());
    SettingsActivities settings =
        mock(SettingsActivities.class, withSettings().withoutAnnotations());
    when(cleanup.listOpenPreviews()).thenReturn(List.of());
    when(settings.allRepositorySettings()).thenReturn(List.of());
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PreviewCleanupWorkflowImpl.class);
      worker.registerActivitiesImplementations(cleanup, settings);
      env.newWorker(PreviewIds.FORGE_TASK_QUEUE)
          .registerActivitiesImplementations(
              mock(ForgeActivities.class, withSettings().withoutAnnotations()));
      env.start();

      try (CleanupSchedule schedule =
          new CleanupSchedule(
              env.getWorkflowServiceStubs(),
              env.getWorkflowClient(),
              "default",
              Duration.ofMillis(200),
              new CleanupRequest(true, "PT2H"))) {
        boolean realSchedule = schedule.install();

        assertThat(realSchedule).isFalse();
        // The timer fires and the cleanup workflow runs: it asks for the open previews.
        verify(cleanup, timeout(30_000)).listOpenPreviews();
        verify(settings, timeout(30_000)).allRepositorySettings();
      }
    }
    verify(cleanup, org.mockito.Mockito.never()).expirePreview(any());
  }
}
