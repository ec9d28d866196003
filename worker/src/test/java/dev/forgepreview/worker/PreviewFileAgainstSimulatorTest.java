package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.activities.forge.ForgeActivitiesImpl;
import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.github.FakeGitHubRepository;
import dev.forgepreview.activities.github.GitHubActivitiesImpl;
import dev.forgepreview.activities.github.GitHubClient;
import dev.forgepreview.activities.github.GitHubConfig;
import dev.forgepreview.activities.github.PreviewFiles;
import dev.forgepreview.activities.github.TokenCredentials;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateSignal;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import dev.forgepreview.workflows.activities.HealthActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repository's preview file end to end: the workflow, the real Forge activities against the
 * in-process simulator, and the file read over GitHub's contents API from a MockWebServer at each
 * commit of one pull request (the comment and deployment calls of the GitHub activities are
 * replaced, the file is read by the real activity). The second commit changes an override, and the
 * preview's environment follows it.
 */
class PreviewFileAgainstSimulatorTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String FIRST = "abc1234";
  private static final String SECOND = "def5678";
  private static final String PATH = ".forge-preview.yml";
  private static final String REPOSITORIES =
      """
      repositories:
        acme/shop:
          domain: preview.acme.dev
          server: {credentialId: 1}
          environment: {MAIL_MAILER: smtp}
          previewFile: {allow: [environment, setup, deploy]}
      """;

  private TestWorkflowEnvironment env;
  private ForgeSimulator forge;
  private ForgeClient client;
  private final MockWebServer gitHubServer = new MockWebServer();
  private final FakeGitHubRepository repository = new FakeGitHubRepository("acme/shop", 42);
  private PreviewEnvironmentWorkflow workflow;
  private final GitHubActivities github =
      mock(GitHubActivities.class, withSettings().withoutAnnotations());
  private final HealthActivities health =
      mock(HealthActivities.class, withSettings().withoutAnnotations());
  private final DatabaseCloneActivities clone =
      mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void start() throws IOException {
    gitHubServer.setDispatcher(repository);
    gitHubServer.start();
    GitHubClient gitHub =
        new GitHubClient(
            GitHubConfig.withApiUrl(gitHubServer.url("/").toString()),
            new TokenCredentials("ghp_test_token"),
            new OkHttpClient(),
            Clock.systemUTC());
    GitHubActivitiesImpl realGitHub = new GitHubActivitiesImpl(gitHub);
    when(github.readPreviewFile(any()))
        .thenAnswer(i -> realGitHub.readPreviewFile(i.<ReadPreviewFileRequest>getArgument(0)));

    env = PreviewTestEnvironment.create();
    forge =
        ForgeSimulator.builder()
            .token("sim-token-abc")
            .clock(new PreviewAgainstSimulatorTest.TestServiceClock(env))
            .build();
    forge.start();
    client = new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token()));
    when(health.checkConnectivity(any())).thenReturn(200);
    RepositorySettings settings = RepositorySettings.parse(REPOSITORIES, "test");

    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        github,
        health,
        clone,
        new SettingsActivitiesImpl(() -> settings),
        new AdmissionActivitiesImpl(env.getWorkflowClient()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE)
        .registerActivitiesImplementations(
            new ForgeActivitiesImpl(
                client,
                PreviewSecrets.fromString("test-only-preview-secret-key-0123456789"),
                name -> null,
                name -> settings.environment(name).orElse(null),
                name -> Optional.empty(),
                new PreviewFiles(gitHub)));
    env.start();
    workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                PreviewEnvironmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(ID)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
  }

  @AfterEach
  void stop() {
    env.close();
    forge.close();
    gitHubServer.close();
  }

  @Test
  void theSecondCommitsOverrideReachesThePreviewAndSetupRanOnce() {
    repository
        .file(
            FIRST,
            PATH,
            """
            environment:
              MAIL_MAILER: log
              SHOP_BANNER: "PR preview"
            setup:
              - php artisan db:seed --force
            deploy:
              - php artisan storage:link
            """)
        .file(
            SECOND,
            PATH,
            """
            environment:
              MAIL_MAILER: array
            setup:
              - php artisan db:seed --force
            """);

    WorkflowClient.start(
        workflow::run, new PreviewRequest("acme", "shop", 42, "feature/x", FIRST, "octocat", null));
    await(s -> s.phase() == Phase.READY);

    String opened = client.getEnvironmentFile(serverId(), siteId());
    assertThat(opened).contains("MAIL_MAILER=log\n").contains("SHOP_BANNER=\"PR preview\"\n");
    assertThat(client.getDeploymentScript(serverId(), siteId()))
        .contains("git reset --hard '" + FIRST + "'")
        .contains("php artisan storage:link");
    assertThat(client.listSiteCommands(serverId(), siteId()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.command()).isEqualTo("php artisan db:seed --force");
              assertThat(c.status()).isEqualTo("finished");
            });

    workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
    await(s -> s.deployments() == 2 && s.phase() == Phase.READY);

    PreviewStatus updated = workflow.status();
    assertThat(updated.deployedSha()).isEqualTo(SECOND);
    assertThat(updated.warnings()).isEmpty();
    String environment = client.getEnvironmentFile(serverId(), siteId());
    assertThat(environment).contains("MAIL_MAILER=array\n").doesNotContain("SHOP_BANNER");
    assertThat(environment).contains("DB_PASSWORD=");
    assertThat(client.getDeploymentScript(serverId(), siteId()))
        .contains("git reset --hard '" + SECOND + "'")
        .doesNotContain("storage:link");
    // Setup runs after the first deployment only.
    assertThat(client.listSiteCommands(serverId(), siteId())).hasSize(1);
    assertThat(repository.requested())
        .contains(
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + FIRST,
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + SECOND);
  }

  @Test
  void aMalformedFileFailsThePreviewWithItsLineAndCreatesNothing() {
    repository.file(FIRST, PATH, "environment:\n  MAIL_MAILER: log\ndeploy: php artisan x\n");

    WorkflowClient.start(
        workflow::run, new PreviewRequest("acme", "shop", 42, "feature/x", FIRST, "octocat", null));
    PreviewStatus result =
        env.getWorkflowClient().newUntypedWorkflowStub(ID).getResult(PreviewStatus.class);

    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(result.failedStep()).isEqualTo("read-preview-file");
    assertThat(result.failureReason())
        .contains(".forge-preview.yml line 3: deploy must be a list of commands");
    assertThat(client.listServers()).isEmpty();
  }

  private long serverId() {
    return workflow.status().resources().serverId();
  }

  private long siteId() {
    return workflow.status().resources().siteId();
  }

  private void await(Predicate<PreviewStatus> done) {
    for (int i = 0; i < 7_200; i++) {
      PreviewStatus now = workflow.status();
      if (done.test(now)) {
        return;
      }
      assertThat(now.phase().isFinal()).as("phase %s: %s", now.phase(), now).isFalse();
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("not reached after two simulated hours: " + workflow.status());
  }
}
