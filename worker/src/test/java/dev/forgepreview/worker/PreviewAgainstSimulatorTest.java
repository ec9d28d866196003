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
import dev.forgepreview.simulator.Inventory;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.HealthActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow with the real Forge activities and client against the in-process simulator, whose
 * clock is the test service's skipping clock: an hour of Forge time passes in milliseconds.
 */
class PreviewAgainstSimulatorTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SECRET_KEY = "test-only-preview-secret-key-0123456789";
  private static final String REPOSITORIES =
      """
      repositories:
        acme/shop:
          domain: preview.acme.dev
          server: {credentialId: 1}
          certificate: true
          environment:
            MAIL_PASSWORD: planted-plain-value-7d1f
            SHOP_API_KEY: "${env:SHOP_API_KEY}"
      """;
  private static final RepositorySettings SETTINGS = RepositorySettings.parse(REPOSITORIES, "test");

  private TestWorkflowEnvironment env;
  private ForgeSimulator forge;
  private ForgeActivities forgeActivities;
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
    forgeActivities =
        new ForgeActivitiesImpl(
            new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token())),
            PreviewSecrets.fromString(SECRET_KEY),
            name -> name.equals("SHOP_API_KEY") ? "api-key-from-the-workers-environment" : null,
            repository -> SETTINGS.environment(repository).orElse(null));
    when(health.checkConnectivity(any())).thenReturn(200);
  }

  @AfterEach
  void stop() {
    env.close();
    forge.close();
  }

  private PreviewEnvironmentWorkflow startPreview(ForgeActivities activities) {
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        github,
        health,
        clone,
        new SettingsActivitiesImpl(() -> SETTINGS),
        new AdmissionActivitiesImpl(env.getWorkflowClient()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(activities);
    env.start();
    PreviewEnvironmentWorkflow workflow =
        PreviewTestEnvironment.startPreview(
            env,
            ID,
            new PreviewRequest("acme", "shop", 42, "feature/x", "abc1234", "octocat", null));
    return workflow;
  }

  @Test
  void happyPathIsReadyWithOneOfEachAndDestroyLeavesNothing() {
    PreviewEnvironmentWorkflow workflow = startPreview(forgeActivities);
    awaitPhase(workflow, Phase.READY);

    PreviewStatus status = workflow.status();
    assertThat(status.warnings()).isEmpty();
    Inventory inventory = forge.inventory();
    assertThat(inventory.servers())
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("pr-42-shop-9b3a2c"));
    assertThat(inventory.sites()).hasSize(1);
    assertThat(inventory.databases()).hasSize(1);
    assertThat(inventory.databaseUsers()).hasSize(1);
    assertThat(inventory.workers()).hasSize(1);
    assertThat(inventory.certificates()).hasSize(1);

    workflow.destroy(new DestroySignal("closed", "octocat"));
    PreviewStatus result = result();
    assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
    assertThat(forge.inventory().isEmpty()).isTrue();

    String history = HistoryText.of(env, ID);
    String password = PreviewSecrets.fromString(SECRET_KEY).databasePassword(ID);
    assertThat(history)
        .contains("pr-42-shop")
        .doesNotContain(password)
        .doesNotContain(forge.token())
        .doesNotContain(SECRET_KEY);
  }

  @Test
  void configuredEnvironmentValuesReachTheSiteButNeverTheHistory() {
    PreviewEnvironmentWorkflow workflow = startPreview(forgeActivities);
    awaitPhase(workflow, Phase.READY);
    assertThat(workflow.status().warnings()).isEmpty();
    Inventory inventory = forge.inventory();
    String written =
        new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token()))
            .getEnvironmentFile(inventory.servers().get(0).id(), inventory.sites().get(0).id());
    assertThat(written)
        .contains("MAIL_PASSWORD=planted-plain-value-7d1f")
        .contains("SHOP_API_KEY=api-key-from-the-workers-environment");

    workflow.destroy(new DestroySignal("closed", "octocat"));
    assertThat(result().phase()).isEqualTo(Phase.DESTROYED);
    // Every event of the run, every payload decoded: inputs, results, carried state, queries.
    String history = HistoryText.of(env, ID);
    assertThat(history)
        .contains("MAIL_PASSWORD")
        .doesNotContain("planted-plain-value-7d1f")
        .doesNotContain("api-key-from-the-workers-environment");
  }

  @Test
  void failedDeploymentRollsBackEverythingAndSaysWhy() {
    forge.faults().failAllDeploys(true);
    startPreview(forgeActivities);

    PreviewStatus result = result();
    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(result.failedStep()).isEqualTo("wait-deployment");
    assertThat(result.failureReason()).startsWith("FAILED");
    assertThat(forge.inventory().isEmpty()).isTrue();
  }

  @Test
  void serverStillInstallingAfter45MinutesStillSucceeds() {
    forge.settings().serverReadyAfter(Duration.ofMinutes(50));
    PreviewEnvironmentWorkflow workflow = startPreview(forgeActivities);
    awaitPhase(workflow, Phase.READY);
    assertThat(forge.inventory().servers())
        .singleElement()
        .satisfies(s -> assertThat(s.ready()).isTrue());
  }

  @Test
  void serverThatNeverBecomesReadyTimesOutAtTheLimitAndIsRolledBack() {
    forge.faults().serverNeverReady(true);
    startPreview(forgeActivities);

    PreviewStatus result = result();
    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(result.failedStep()).isEqualTo("wait-server-ready");
    assertThat(result.failureReason()).contains("timed out");
    // Simulated time: the last poll that fits in the 60-minute limit (polls are 2 minutes apart).
    StepRecord wait =
        result.steps().stream().filter(s -> s.name().equals("wait-server-ready")).findFirst().get();
    assertThat(Duration.between(Instant.parse(wait.startedAt()), Instant.parse(wait.finishedAt())))
        .isBetween(Duration.ofMinutes(58), Duration.ofMinutes(61));
    assertThat(result.rolledBack()).containsExactly("delete-server");
    assertThat(forge.inventory().isEmpty()).isTrue();
  }

  @Test
  void createThatSucceededButWasNotReportedIsAdoptedOnRetry() {
    AtomicBoolean crashed = new AtomicBoolean(false);
    ForgeActivities crashingOnce =
        (ForgeActivities)
            Proxy.newProxyInstance(
                ForgeActivities.class.getClassLoader(),
                new Class<?>[] {ForgeActivities.class},
                (proxy, method, args) -> {
                  try {
                    Object result = method.invoke(forgeActivities, args);
                    boolean isCreate = method.getName().startsWith("create");
                    if (isCreate
                        && !method.getName().equals("createServer")
                        && crashed.compareAndSet(false, true)) {
                      throw ApplicationFailure.newFailure(
                          "worker lost before reporting " + method.getName(), "TRANSIENT");
                    }
                    return result;
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    PreviewEnvironmentWorkflow workflow = startPreview(crashingOnce);
    awaitPhase(workflow, Phase.READY);

    assertThat(crashed).isTrue();
    Inventory inventory = forge.inventory();
    assertThat(inventory.servers()).hasSize(1);
    assertThat(inventory.sites()).hasSize(1);
    assertThat(inventory.databases()).hasSize(1);
    assertThat(inventory.databaseUsers()).hasSize(1);
  }

  private PreviewStatus result() {
    return env.getWorkflowClient().newUntypedWorkflowStub(ID).getResult(PreviewStatus.class);
  }

  private void awaitPhase(PreviewEnvironmentWorkflow workflow, Phase phase) {
    for (int i = 0; i < 7_200; i++) {
      Phase now = workflow.status().phase();
      if (now == phase) {
        return;
      }
      assertThat(now.isFinal())
          .as("phase %s while waiting for %s: %s", now, phase, workflow.status())
          .isFalse();
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("not " + phase + " after two simulated hours: " + workflow.status());
  }

  /** The simulator's clock: the test service's time, which skips ahead when workflows wait. */
  static final class TestServiceClock extends Clock {
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
