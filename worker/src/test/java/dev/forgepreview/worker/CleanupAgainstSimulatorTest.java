package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.activities.forge.Forge.NewDatabase;
import dev.forgepreview.activities.forge.Forge.NewServer;
import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.forge.ForgeActivitiesImpl;
import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.Inventory;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewCleanupWorkflowImpl;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Previews of two repositories whose server names collided before the owner hash, and the cleanup
 * workflow, all with the real Forge activities against the in-process simulator. The Java test
 * server has no visibility, so the cleanup's list of open previews comes from the ids this test
 * started (each described and queried for real); everything else is the production code.
 */
class CleanupAgainstSimulatorTest {
  private static final String SECRET_KEY = "test-only-preview-secret-key-0123456789";
  private static final String PREVIEWS =
      """
      repositories:
        org1/web:
          domain: a.example
          server: {credentialId: 1}
        org2/web:
          domain: b.example
          server: {credentialId: 1}
      """;

  private TestWorkflowEnvironment env;
  private ForgeSimulator forge;
  private ForgeClient client;
  private volatile RepositorySettings repositories = parse(PREVIEWS);
  private final List<String> started = new ArrayList<>();
  private final GitHubActivities github =
      mock(GitHubActivities.class, withSettings().withoutAnnotations());
  private final HealthActivities health =
      mock(HealthActivities.class, withSettings().withoutAnnotations());
  private final DatabaseCloneActivities clone =
      mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void start() {
    env = PreviewTestEnvironment.create();
    forge =
        ForgeSimulator.builder().token("sim-token-abc").clock(new TestServiceClock(env)).build();
    forge.start();
    client = new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token()));
    when(health.checkConnectivity(any())).thenReturn(200);
    CleanupActivitiesImpl real = new CleanupActivitiesImpl(env.getWorkflowClient());
    CleanupActivities known =
        new CleanupActivities() {
          @Override
          public List<OpenPreview> listOpenPreviews() {
            List<OpenPreview> open = new ArrayList<>();
            for (String id : started) {
              if (real.isPreviewRunning(new PreviewRunningRequest(id))) {
                var status =
                    env.getWorkflowClient()
                        .newWorkflowStub(PreviewEnvironmentWorkflow.class, id)
                        .status();
                open.add(
                    new OpenPreview(id, status.phase().name(), status.expiresAt(), status.names()));
              }
            }
            return open;
          }

          @Override
          public void expirePreview(ExpirePreviewRequest request) {
            real.expirePreview(request);
          }

          @Override
          public boolean isPreviewRunning(PreviewRunningRequest request) {
            return real.isPreviewRunning(request);
          }
        };
    SettingsActivities settings =
        new SettingsActivities() {
          @Override
          public PreviewSettings settingsFor(SettingsRequest request) {
            return new SettingsActivitiesImpl(() -> repositories).settingsFor(request);
          }

          @Override
          public List<PreviewSettings> allRepositorySettings() {
            return new SettingsActivitiesImpl(() -> repositories).allRepositorySettings();
          }
        };
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class,
        PreviewCleanupWorkflowImpl.class,
        AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        github,
        health,
        clone,
        settings,
        known,
        new AdmissionActivitiesImpl(env.getWorkflowClient()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE)
        .registerActivitiesImplementations(
            new ForgeActivitiesImpl(client, PreviewSecrets.fromString(SECRET_KEY), name -> null));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    forge.close();
  }

  /**
   * On the old naming, the second preview of PR 42 adopted the first one's server {@code
   * pr-42-web}, and each repository's cleanup took the other's resources for its orphans.
   */
  @Test
  void twoRepositoriesPreviewsAndTheCleanupLeaveEachOtherAloneAndACustomTemplateIsCleaned() {
    PreviewEnvironmentWorkflow one = startPreview("org1", "web", 42);
    PreviewEnvironmentWorkflow two = startPreview("org2", "web", 42);
    awaitPhase(one, Phase.READY);
    awaitPhase(two, Phase.READY);
    String serverOne = one.status().names().server();
    String serverTwo = two.status().names().server();
    assertThat(serverOne).isEqualTo("pr-42-web-60cfc1");
    assertThat(serverTwo).isEqualTo("pr-42-web-cb485c");
    assertThat(one.status().resources().serverId())
        .isNotEqualTo(two.status().resources().serverId());

    // A repository on a shared server with its own templates, added to the file later, and
    // resources nobody runs any more: a legacy org1/org2 server and that repository's orphans.
    long shared = one.status().resources().serverId();
    repositories =
        parse(
            PREVIEWS
                + """
                  acme/shop:
                    mode: shared
                    sharedServerId: %d
                    domain: preview.acme.dev
                    siteTemplate: "review-{number}.{domain}"
                    databaseTemplate: "review_{number}"
                """
                    .formatted(shared));
    client.createServer(
        new NewServer("ocean2", 1L, "pr-7-web", "app", "01", "ams2", "php83", "mysql8"));
    client.createServer(
        new NewServer("ocean2", 1L, "production", "app", "01", "ams2", "php83", "mysql8"));
    client.createSite(
        shared, new NewSite("review-5.preview.acme.dev", "php", "/public", false, null, null));
    client.createSite(shared, new NewSite("blog.example.com", "php", "/public", false, null, null));
    client.createDatabase(shared, new NewDatabase("review_5"));
    env.sleep(Duration.ofMinutes(30));

    CleanupReport report = runCleanup();

    assertThat(report.errors()).isEmpty();
    assertThat(report.deletedOrphans())
        .containsExactlyInAnyOrder(
            "server pr-7-web (#7)",
            "site review-5.preview.acme.dev (#5)",
            "database review_5 (#5)");
    env.sleep(Duration.ofMinutes(5));
    Inventory left = forge.inventory();
    assertThat(left.servers())
        .extracting(Inventory.Server::name)
        .containsExactlyInAnyOrder(serverOne, serverTwo, "production");
    assertThat(left.sites())
        .extracting(Inventory.Site::domain)
        .containsExactlyInAnyOrder(
            "pr-42-web.a.example", "pr-42-web.b.example", "blog.example.com");
    assertThat(left.databases()).extracting(Inventory.Database::name).containsOnly("pr_42");
    assertThat(one.status().phase()).isEqualTo(Phase.READY);
    assertThat(two.status().phase()).isEqualTo(Phase.READY);
  }

  private PreviewEnvironmentWorkflow startPreview(String owner, String repo, int number) {
    String id = PreviewIds.workflowId(owner, repo, number);
    started.add(id);
    PreviewEnvironmentWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                PreviewEnvironmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        workflow::run,
        new PreviewRequest(owner, repo, number, "feature/x", "abc1234", "octocat", null));
    return workflow;
  }

  /**
   * Runs the cleanup while the test clock moves one second at a time: blocking on its result would
   * let the time-skipping server jump to the previews' TTL timers.
   */
  private CleanupReport runCleanup() {
    WorkflowStub cleanup =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                PreviewIds.CLEANUP_WORKFLOW_TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    cleanup.start(new CleanupRequest(false, "PT10M"));
    // Waiting through the test environment's own client lets the test server skip time while
    // nothing runs, straight to the next timer: the previews' TTL, which tore them down on a
    // loaded machine. A plain client waits without unlocking time skipping.
    WorkflowClient plain =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
    CompletableFuture<CleanupReport> result =
        plain
            .newUntypedWorkflowStub(PreviewIds.CLEANUP_WORKFLOW_ID)
            .getResultAsync(CleanupReport.class);
    for (int i = 0; i < 600 && !result.isDone(); i++) {
      env.sleep(Duration.ofSeconds(1));
    }
    return result.join();
  }

  private void awaitPhase(PreviewEnvironmentWorkflow workflow, Phase phase) {
    for (int i = 0; i < 7_200; i++) {
      Phase now = workflow.status().phase();
      if (now == phase) {
        return;
      }
      assertThat(now.isFinal()).as("phase %s: %s", now, workflow.status()).isFalse();
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("not " + phase + " after two simulated hours");
  }

  private static RepositorySettings parse(String yaml) {
    return RepositorySettings.parse(yaml, "test");
  }

  /** The simulator's clock: the test service's time, which skips ahead when workflows wait. */
  private static final class TestServiceClock extends Clock {
    private final TestWorkflowEnvironment env;

    TestServiceClock(TestWorkflowEnvironment env) {
      this.env = env;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(env.currentTimeMillis());
    }
  }
}
