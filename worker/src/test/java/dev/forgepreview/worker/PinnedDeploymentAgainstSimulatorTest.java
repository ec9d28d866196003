package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.activities.forge.ForgeActivitiesImpl;
import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
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
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.UpdateFailure;
import dev.forgepreview.workflows.UpdateSignal;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.HealthActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployed commit is the approved one, end to end: the workflow with the real Forge activities
 * against the in-process simulator, whose deployments report the commit of the script they were
 * given.
 */
class PinnedDeploymentAgainstSimulatorTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String FIRST = "abc1234";
  private static final String SECOND = "def5678";
  private static final String REPOSITORIES =
      """
      repositories:
        acme/shop:
          domain: preview.acme.dev
          server: {credentialId: 1}
      """;

  private TestWorkflowEnvironment env;
  private ForgeSimulator forge;
  private ForgeClient client;
  private PreviewEnvironmentWorkflow workflow;
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
        ForgeSimulator.builder()
            .token("sim-token-abc")
            .clock(new PreviewAgainstSimulatorTest.TestServiceClock(env))
            .build();
    forge.start();
    client = new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token()));
    when(health.checkConnectivity(any())).thenReturn(200);

    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        github,
        health,
        clone,
        new SettingsActivitiesImpl(() -> RepositorySettings.parse(REPOSITORIES, "test")),
        new AdmissionActivitiesImpl(env.getWorkflowClient()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE)
        .registerActivitiesImplementations(
            new ForgeActivitiesImpl(
                client,
                PreviewSecrets.fromString("test-only-preview-secret-key-0123456789"),
                name -> null));
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
  }

  @Test
  void theDeployedCommitIsTheHeadAfterOpenAndAfterAnUpdate() {
    open();
    PreviewStatus opened = workflow.status();
    assertThat(opened.deployedSha()).isEqualTo(opened.headSha()).isEqualTo(FIRST);
    assertThat(opened.warnings()).isEmpty();

    workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
    await(s -> s.deployments() == 2 && s.phase() == Phase.READY);

    PreviewStatus updated = workflow.status();
    assertThat(updated.deployedSha()).isEqualTo(updated.headSha()).isEqualTo(SECOND);
    assertThat(updated.warnings()).isEmpty();
    assertThat(client.getDeploymentScript(serverId(), siteId()))
        .contains("git reset --hard '" + SECOND + "'")
        .doesNotContain("git pull");
  }

  @Test
  void aFailedUpdateStaysReadyOnTheCommitReallyDeployedAndSaysWhy() {
    open();
    forge.faults().failNextDeploys(1);

    workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
    await(s -> s.lastUpdateFailure() != null && s.phase() == Phase.READY);

    PreviewStatus status = workflow.status();
    assertThat(status.deployedSha()).isEqualTo(FIRST);
    assertThat(status.headSha()).isEqualTo(SECOND);
    UpdateFailure failure = status.lastUpdateFailure();
    assertThat(failure.sha()).isEqualTo(SECOND);
    assertThat(failure.step()).isEqualTo("wait-deployment#2");
    assertThat(failure.reason()).startsWith("FAILED: deployment").endsWith("failed");
    assertThat(failure.log()).endsWith("Deployment script exited with status 1");
    // The failed deployment ran on the site: the approved commit was deployed again.
    assertThat(status.deployments()).isEqualTo(2);
    assertThat(client.listDeployments(serverId(), siteId()))
        .first()
        .satisfies(
            newest -> {
              assertThat(newest.commitHash()).isEqualTo(FIRST);
              assertThat(newest.status()).isEqualTo("finished");
            });
  }

  @Test
  void quickDeployThatForgeTurnsOnAtInstallIsOffOnThePreviewSite() {
    forge.settings().quickDeployOnInstall(true);
    open();

    assertThat(client.getSite(serverId(), siteId()).quickDeploy()).isFalse();
    assertThat(workflow.status().deployedSha()).isEqualTo(FIRST);
  }

  @Test
  void aForkPreviewDeploysTheHeadsGitHubNamedAtEachApproval() {
    when(github.resolvePullRequest(any()))
        .thenReturn(new PullRequestHead("patch-1", FIRST, "mallory/shop", "open"))
        .thenReturn(new PullRequestHead("patch-1", FIRST, "mallory/shop", "open"))
        .thenReturn(new PullRequestHead("patch-1", SECOND, "mallory/shop", "open"));
    // A maintainer's /preview: signal-with-start, neither the start nor its update has a sha.
    WorkflowClient.start(
        workflow::run, new PreviewRequest("acme", "shop", 42, null, null, "maintainer", null));
    workflow.update(new UpdateSignal(null, null, "d-1", "maintainer"));
    await(s -> s.phase() == Phase.READY && s.steps().stream().anyMatch(this::resolvedUpdate));
    assertThat(workflow.status().deployedSha()).isEqualTo(FIRST);
    assertThat(workflow.status().deployments()).isEqualTo(1);

    // The fork pushes SECOND; a maintainer comments /update, which carries no sha either.
    workflow.update(new UpdateSignal(null, null, "d-2", "maintainer"));
    await(s -> s.deployments() == 2 && s.phase() == Phase.READY);

    assertThat(workflow.status().deployedSha()).isEqualTo(SECOND);
    assertThat(client.getSite(serverId(), siteId()).repository()).isEqualTo("mallory/shop");
    assertThat(client.getDeploymentScript(serverId(), siteId()))
        .contains("git reset --hard '" + SECOND + "'");
  }

  private boolean resolvedUpdate(StepRecord step) {
    return step.name().startsWith("resolve-update") && step.state() == StepState.SUCCEEDED;
  }

  private void open() {
    WorkflowClient.start(
        workflow::run, new PreviewRequest("acme", "shop", 42, "feature/x", FIRST, "octocat", null));
    await(s -> s.phase() == Phase.READY);
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
