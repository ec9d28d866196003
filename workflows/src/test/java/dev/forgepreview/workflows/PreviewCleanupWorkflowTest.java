package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.CleanupActivities.ExpirePreviewRequest;
import dev.forgepreview.workflows.activities.CleanupActivities.OpenPreview;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ForgeInventory;
import dev.forgepreview.workflows.activities.ForgeActivities.NamedResource;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PreviewCleanupWorkflowTest {
  private final CleanupActivities cleanup =
      mock(CleanupActivities.class, withSettings().withoutAnnotations());
  private final SettingsActivities settings =
      mock(SettingsActivities.class, withSettings().withoutAnnotations());
  private final ForgeActivities forge =
      mock(ForgeActivities.class, withSettings().withoutAnnotations());
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PreviewCleanupWorkflowImpl.class);
    worker.registerActivitiesImplementations(cleanup, settings);
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(forge);
    env.start();
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    when(settings.allRepositorySettings()).thenReturn(List.of(TestSettings.dedicated()));
    when(cleanup.listOpenPreviews())
        .thenReturn(
            List.of(
                new OpenPreview("preview:acme:shop:1", "READY", now.minusSeconds(60).toString()),
                new OpenPreview("preview:acme:shop:2", "READY", now.plusSeconds(3600).toString())));
    when(forge.listPreviewResources(any()))
        .thenReturn(
            new ForgeInventory(
                List.of(
                    new NamedResource("server", 101, 101, "pr-1-shop", forgeTime(now, 86_400)),
                    new NamedResource("server", 102, 102, "pr-2-shop", forgeTime(now, 86_400)),
                    new NamedResource("server", 103, 103, "pr-3-shop", forgeTime(now, 86_400)),
                    new NamedResource("server", 104, 104, "pr-4-shop", forgeTime(now, 60)),
                    new NamedResource("server", 105, 105, "pr-5-other", forgeTime(now, 86_400)),
                    new NamedResource("server", 106, 106, "production", null))));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void expiresOverduePreviewsAndDeletesOldOrphansOnly() {
    CleanupReport report = run(new CleanupRequest(false, "PT2H"));

    assertThat(report.expiredPreviews()).containsExactly("preview:acme:shop:1");
    assertThat(report.deletedOrphans()).containsExactly("server pr-3-shop (#3)");
    assertThat(report.youngOrphans()).containsExactly("server pr-4-shop (#4)");
    ArgumentCaptor<ExpirePreviewRequest> expire =
        ArgumentCaptor.forClass(ExpirePreviewRequest.class);
    verify(cleanup).expirePreview(expire.capture());
    assertThat(expire.getValue().workflowId()).isEqualTo("preview:acme:shop:1");
    ArgumentCaptor<DeleteServerRequest> deleted =
        ArgumentCaptor.forClass(DeleteServerRequest.class);
    verify(forge).deleteServer(deleted.capture());
    assertThat(deleted.getAllValues())
        .extracting(DeleteServerRequest::name)
        .containsExactly("pr-3-shop");
  }

  @Test
  void anOrphanWhosePreviewStartedSinceTheListIsKept() {
    when(cleanup.isPreviewRunning(any())).thenReturn(true);

    CleanupReport report = run(new CleanupRequest(false, "PT2H"));

    assertThat(report.deletedOrphans()).isEmpty();
    verify(forge, never()).deleteServer(any());
  }

  @Test
  void dryRunReportsButChangesNothing() {
    CleanupReport report = run(new CleanupRequest(true, "PT2H"));

    assertThat(report.dryRun()).isTrue();
    assertThat(report.expiredPreviews()).containsExactly("preview:acme:shop:1");
    assertThat(report.deletedOrphans()).containsExactly("server pr-3-shop (#3)");
    verify(cleanup, never()).expirePreview(any());
    verify(forge, never()).deleteServer(any());
  }

  @Test
  void aScheduleWithoutOptionsRunsForRealWithTheDefaultGrace() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    when(cleanup.listOpenPreviews())
        .thenReturn(
            List.of(
                new OpenPreview("preview:acme:shop:1", "READY", now.minusSeconds(60).toString()),
                // Already torn down (the run is finishing): not expired a second time.
                new OpenPreview(
                    "preview:acme:shop:5", "DESTROYED", now.minusSeconds(60).toString()),
                new OpenPreview("preview:acme:shop:6", "READY", null)));
    when(forge.listPreviewResources(any()))
        .thenReturn(
            new ForgeInventory(
                List.of(
                    new NamedResource("server", 103, 103, "pr-3-shop", forgeTime(now, 10_800)),
                    new NamedResource("server", 104, 104, "pr-4-shop", forgeTime(now, 3_600)),
                    // A timestamp Forge wrote some other way: old enough to be cleaned.
                    new NamedResource("server", 108, 108, "pr-8-shop", "yesterday"),
                    new NamedResource("server", 109, 109, "pr-9-shop", null))));

    CleanupReport report = run(null);

    assertThat(report.dryRun()).isFalse();
    assertThat(report.expiredPreviews()).containsExactly("preview:acme:shop:1");
    assertThat(report.deletedOrphans())
        .containsExactly("server pr-3-shop (#3)", "server pr-8-shop (#8)", "server pr-9-shop (#9)");
    assertThat(report.youngOrphans()).containsExactly("server pr-4-shop (#4)");
    assertThat(report.errors()).isEmpty();
    verify(cleanup).expirePreview(any());
    assertThat(run(new CleanupRequest(false, null)).youngOrphans())
        .containsExactly("server pr-4-shop (#4)");
  }

  @Test
  void whatCannotBeListedOrDeletedIsReportedAndTheRestIsCleaned() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    when(settings.allRepositorySettings())
        .thenReturn(
            List.of(TestSettings.dedicated(), TestSettings.shared(9L), TestSettings.shared(9L)));
    when(forge.listPreviewResources(argThat(r -> r != null && r.serverId() == null)))
        .thenReturn(
            new ForgeInventory(
                List.of(
                    new NamedResource("server", 103, 103, "pr-3-shop", forgeTime(now, 86_400)),
                    new NamedResource("server", 107, 107, "pr-7-shop", forgeTime(now, 86_400)))));
    when(forge.listPreviewResources(argThat(r -> r != null && r.serverId() != null)))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure("401", FailureType.AUTHENTICATION.name()));
    doThrow(ApplicationFailure.newNonRetryableFailure("422", FailureType.VALIDATION.name()))
        .when(forge)
        .deleteServer(argThat(r -> r != null && r.name().equals("pr-3-shop")));

    CleanupReport report = run(new CleanupRequest(false, "PT2H"));

    assertThat(report.errors())
        .containsExactly(
            "server pr-3-shop (#3): delete failed", "server 9: listing Forge resources failed");
    assertThat(report.deletedOrphans()).containsExactly("server pr-7-shop (#7)");
    // Each server is listed once, however many repositories share it.
    verify(forge, times(2)).listPreviewResources(any());
  }

  @Test
  void anAccountThatCannotBeListedIsReported() {
    when(forge.listPreviewResources(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure("401", FailureType.AUTHENTICATION.name()));

    CleanupReport report = run(new CleanupRequest(false, "PT2H"));

    assertThat(report.errors()).containsExactly("servers: listing Forge resources failed");
    assertThat(report.expiredPreviews()).containsExactly("preview:acme:shop:1");
    verify(forge, never()).deleteServer(any());
  }

  private CleanupReport run(CleanupRequest request) {
    PreviewCleanupWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                PreviewCleanupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    return workflow.run(request);
  }

  private static String forgeTime(Instant now, long secondsAgo) {
    return LocalDateTime.ofInstant(now.minusSeconds(secondsAgo), ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
  }
}
