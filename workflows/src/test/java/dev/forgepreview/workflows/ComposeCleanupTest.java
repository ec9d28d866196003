package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.CleanupActivities.OpenPreview;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.HostProject;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** The cleanup schedule on a compose repository: its host's orphans, never Forge. */
class ComposeCleanupTest {
  private final CleanupActivities cleanup =
      mock(CleanupActivities.class, withSettings().withoutAnnotations());
  private final SettingsActivities settings =
      mock(SettingsActivities.class, withSettings().withoutAnnotations());
  private final ComposeActivities compose =
      mock(ComposeActivities.class, withSettings().withoutAnnotations());
  private final ForgeActivities forge =
      mock(ForgeActivities.class, withSettings().withoutAnnotations());
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PreviewCleanupWorkflowImpl.class);
    worker.registerActivitiesImplementations(cleanup, settings, compose);
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(forge);
    env.start();
    when(settings.allRepositorySettings()).thenReturn(List.of(TestSettings.compose()));
    when(cleanup.listOpenPreviews())
        .thenReturn(List.of(new OpenPreview("preview:acme:shop:1", "READY", null)));
    when(compose.listComposeProjects(any()))
        .thenReturn(
            List.of(
                new HostProject("fp-shop-pr1", 86_400),
                new HostProject("fp-shop-pr3", 86_400),
                new HostProject("fp-shop-pr4", 60),
                new HostProject("fp-other-pr5", 86_400),
                new HostProject("fp-shop-pr6", -1)));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void removesOldComposeOrphansOfTheRepositoryNewestResourceFirstAndNeverAsksForge() {
    CleanupReport report = run(false);

    assertThat(report.deletedOrphans())
        .containsExactly("compose project fp-shop-pr3 (#3)", "compose project fp-shop-pr6 (#6)");
    assertThat(report.youngOrphans()).containsExactly("compose project fp-shop-pr4 (#4)");
    assertThat(report.errors()).isEmpty();
    ArgumentCaptor<ComposeTarget> down = ArgumentCaptor.forClass(ComposeTarget.class);
    verify(compose, times(2)).composeDown(down.capture());
    assertThat(down.getAllValues())
        .extracting(ComposeTarget::project, ComposeTarget::port)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("fp-shop-pr3", 20003),
            org.assertj.core.groups.Tuple.tuple("fp-shop-pr6", 20006));
    InOrder order = inOrder(compose);
    order.verify(compose).removeNginxSite(any());
    order.verify(compose).composeDown(any());
    order.verify(compose).removeWorkDirectory(any());
    verify(forge, never()).listPreviewResources(any());
  }

  @Test
  void aDryRunRemovesNothing() {
    CleanupReport report = run(true);

    assertThat(report.deletedOrphans()).hasSize(2);
    verify(compose, never()).composeDown(any());
    verify(compose, never()).removeWorkDirectory(any());
    verify(compose, never()).removeNginxSite(any());
  }

  private CleanupReport run(boolean dryRun) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            PreviewCleanupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("preview-cleanup-test")
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build())
        .run(new CleanupRequest(dryRun, "PT2H"));
  }
}
