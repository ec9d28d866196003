package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.CleanupActivities.OpenPreview;
import dev.forgepreview.workflows.activities.CleanupActivities.PreviewRunningRequest;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ForgeInventory;
import dev.forgepreview.workflows.activities.ForgeActivities.ListPreviewResourcesRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.NamedResource;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The cleanup deletes only what one configured repository's templates name, what no running preview
 * of any repository owns, and what is old enough.
 */
class CleanupOwnershipTest {
  private static final String OLD = "2020-01-01 00:00:00";
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
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** Answers like the real activity: everything or what starts with the prefix, on that server. */
  private void forgeHolds(NamedResource... resources) {
    when(forge.listPreviewResources(any()))
        .thenAnswer(
            i -> {
              ListPreviewResourcesRequest request = i.getArgument(0);
              return new ForgeInventory(
                  List.of(resources).stream()
                      .filter(r -> r.kind().equals("server") == (request.serverId() == null))
                      .filter(r -> request.serverId() == null || request.serverId() == r.serverId())
                      .filter(
                          r ->
                              request.all()
                                  || (request.namePrefix() != null
                                      && r.name().startsWith(request.namePrefix())))
                      .toList());
            });
  }

  /**
   * The case: org1/web and org2/web, both dedicated. PR 42 of org1/web runs on the server
   * it was created with before the owner hash, {@code pr-42-web}. On the old code the cleanup of
   * org2/web took that server for its own orphan (org2/web has no PR 42) and deleted it.
   */
  @Test
  void twoRepositoriesWhoseServerNamesCollidedLeaveEachOtherAlone() {
    PreviewSettings org1 = NameCollisionsTest.dedicated("org1/web", "a.example", "web");
    PreviewSettings org2 = NameCollisionsTest.dedicated("org2/web", "b.example", "web");
    when(settings.allRepositorySettings()).thenReturn(List.of(org1, org2));
    when(cleanup.listOpenPreviews())
        .thenReturn(
            List.of(
                new OpenPreview(
                    "preview:org1:web:42",
                    "READY",
                    null,
                    PreviewNames.of(org1, 42, PreviewNames.LEGACY)),
                new OpenPreview(
                    "preview:org2:web:43",
                    "READY",
                    null,
                    PreviewNames.of(org2, 43, PreviewNames.OWNER_HASH))));
    forgeHolds(
        new NamedResource("server", 1, 1, "pr-42-web", OLD),
        new NamedResource("server", 2, 2, "pr-43-web-cb485c", OLD),
        new NamedResource("server", 3, 3, "pr-43-web-60cfc1", OLD),
        new NamedResource("server", 4, 4, "pr-7-web", OLD),
        new NamedResource("server", 5, 5, "production-web", OLD));

    CleanupReport report = run();

    // org1's live legacy server and org2's live server stay; org1's #43 (not running) and the
    // legacy pr-7-web that neither repository runs are orphans.
    assertThat(report.deletedOrphans())
        .containsExactlyInAnyOrder("server pr-43-web-60cfc1 (#43)", "server pr-7-web (#7)");
    ArgumentCaptor<DeleteServerRequest> deleted =
        ArgumentCaptor.forClass(DeleteServerRequest.class);
    verify(forge, org.mockito.Mockito.times(2)).deleteServer(deleted.capture());
    assertThat(deleted.getAllValues())
        .extracting(DeleteServerRequest::name)
        .containsExactlyInAnyOrder("pr-43-web-60cfc1", "pr-7-web");
    // Both possible owners of the legacy pr-7-web were asked about right before its delete.
    ArgumentCaptor<PreviewRunningRequest> asked =
        ArgumentCaptor.forClass(PreviewRunningRequest.class);
    verify(cleanup, org.mockito.Mockito.atLeastOnce()).isPreviewRunning(asked.capture());
    assertThat(asked.getAllValues())
        .extracting(PreviewRunningRequest::workflowId)
        .contains("preview:org1:web:7", "preview:org2:web:7");
  }

  @Test
  void aLegacyNameIsKeptWhileEitherPossibleOwnerRuns() {
    PreviewSettings org1 = NameCollisionsTest.dedicated("org1/web", "a.example", "web");
    PreviewSettings org2 = NameCollisionsTest.dedicated("org2/web", "b.example", "web");
    when(settings.allRepositorySettings()).thenReturn(List.of(org1, org2));
    when(cleanup.listOpenPreviews()).thenReturn(List.of());
    // org2/web #7 started after the list was taken.
    when(cleanup.isPreviewRunning(any()))
        .thenAnswer(
            i ->
                Objects.equals(
                    i.<PreviewRunningRequest>getArgument(0).workflowId(), "preview:org2:web:7"));
    forgeHolds(new NamedResource("server", 4, 4, "pr-7-web", OLD));

    CleanupReport report = run();

    assertThat(report.deletedOrphans()).isEmpty();
    verify(forge, never()).deleteServer(any());
  }

  /** On the old code nothing outside the {@code pr} prefix was even listed. */
  @Test
  void aCustomTemplatesOrphansAreCleaned() {
    PreviewSettings review =
        NameCollisionsTest.repo(
            "acme/shop",
            Mode.SHARED,
            9L,
            "preview.acme.dev",
            "shop",
            "review-{number}.{domain}",
            "review_{number}");
    when(settings.allRepositorySettings()).thenReturn(List.of(review));
    when(cleanup.listOpenPreviews())
        .thenReturn(
            List.of(
                new OpenPreview(
                    "preview:acme:shop:6",
                    "READY",
                    null,
                    PreviewNames.of(review, 6, PreviewNames.OWNER_HASH))));
    forgeHolds(
        new NamedResource("site", 51, 9, "review-5.preview.acme.dev", OLD),
        new NamedResource("database", 61, 9, "review_5", OLD),
        new NamedResource("site", 52, 9, "review-6.preview.acme.dev", OLD),
        new NamedResource("database", 62, 9, "review_6", OLD),
        new NamedResource("site", 53, 9, "shop.acme.dev", OLD),
        new NamedResource("database", 63, 9, "forge", OLD));

    CleanupReport report = run();

    assertThat(report.deletedOrphans())
        .containsExactlyInAnyOrder("site review-5.preview.acme.dev (#5)", "database review_5 (#5)");
    ArgumentCaptor<DeleteSiteRequest> site = ArgumentCaptor.forClass(DeleteSiteRequest.class);
    verify(forge).deleteSite(site.capture());
    assertThat(site.getValue().domain()).isEqualTo("review-5.preview.acme.dev");
    assertThat(site.getValue().serverId()).isEqualTo(9L);
    ArgumentCaptor<DeleteDatabaseUserRequest> user =
        ArgumentCaptor.forClass(DeleteDatabaseUserRequest.class);
    verify(forge).deleteDatabaseUser(user.capture());
    assertThat(user.getValue().userName()).isEqualTo("review_5");
    ArgumentCaptor<DeleteDatabaseRequest> db = ArgumentCaptor.forClass(DeleteDatabaseRequest.class);
    verify(forge).deleteDatabase(db.capture());
    assertThat(db.getValue().name()).isEqualTo("review_5");
  }

  /** A name a running preview carries is never an orphan, whatever the templates say. */
  @Test
  void whatARunningPreviewCarriesIsKept() {
    PreviewSettings shop = TestSettings.shared(9L);
    when(settings.allRepositorySettings()).thenReturn(List.of(shop));
    PreviewResourceNames carried =
        new PreviewResourceNames(1, null, "pr-5-shop.preview.acme.dev", "u", "pr_5", "pr_5", 1);
    when(cleanup.listOpenPreviews())
        .thenReturn(List.of(new OpenPreview("preview:acme:other:1", "READY", null, carried)));
    forgeHolds(
        new NamedResource("site", 51, 9, "pr-5-shop.preview.acme.dev", OLD),
        new NamedResource("database", 61, 9, "pr_5", OLD));

    CleanupReport report = run();

    assertThat(report.deletedOrphans()).isEmpty();
    verify(forge, never()).deleteSite(any());
    verify(forge, never()).deleteDatabase(any());
  }

  private CleanupReport run() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            PreviewCleanupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build())
        .run(new CleanupRequest(false, "PT2H"));
  }
}
