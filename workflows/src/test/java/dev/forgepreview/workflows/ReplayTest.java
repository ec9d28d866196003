package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays recorded histories against today's workflow code: a change that breaks determinism for
 * running previews fails the build. Re-record (only on purpose, with the change behind {@code
 * Workflow.getVersion}) with {@code -DrecordHistories=true -Dtest=ReplayTest}.
 */
class ReplayTest {
  /** Recorded before the {@code publish-deploying} version marker existed. */
  private static final String FIRST_RELEASE = "histories/preview-ready-updated-destroyed.json";

  /**
   * Recorded after {@code publish-deploying}, before names were carried ({@code owner-hash-names}).
   */
  private static final String BEFORE_CARRIED_NAMES = "histories/preview-before-carried-names.json";

  /** Recorded before the {@code ttl-timer-summary} version marker (the TTL timer's summary). */
  private static final String BEFORE_TTL_SUMMARY = "histories/preview-before-ttl-summary.json";

  /**
   * Recorded with the {@code ttl-timer-summary} and {@code pin-deployed-commit} markers, before
   * names were carried.
   */
  private static final String TTL_SUMMARY = "histories/preview-ttl-summary.json";

  /** Recorded with the current code (re-record it with the property below). */
  private static final String CURRENT = "histories/preview-current.json";

  /**
   * Recorded with the {@code pin-deployed-commit} version: pinned scripts, a failed update and the
   * redeploy of the previous commit, an update without a sha resolved from GitHub.
   */
  private static final String PINNED = "histories/preview-pinned-update-failed.json";

  /**
   * Recorded with bounded teardown rounds, comment permissions and a start during the teardown: a
   * /preview by a writer, a refused /update, closed and reopened at once, a site delete that fails
   * once, then the continue-as-new into the fresh preview.
   */
  private static final String ENDING = "histories/preview-permission-teardown-restart.json";

  /**
   * Recorded before teardowns had bounded rounds: the database user's delete (the first
   * compensation) failed once and was retried after the old five-minute pause before the others
   * ran. Such runs keep their unbounded loop.
   */
  private static final String LEGACY_TEARDOWN = "histories/preview-unbounded-teardown-retry.json";

  /**
   * A repository with notifications: READY notified, a forced redeploy of the live commit (also
   * notified), then destroyed.
   */
  private static final String NOTIFIED = "histories/preview-notified-forced-redeploy.json";

  /**
   * An admission coordinator of a shared server (cap 1): a grant, a queued preview, one that left
   * the queue, releases, a breaker reset and a reconciliation.
   */
  static final String COORDINATOR = "histories/admission-coordinator.json";

  /** A preview with the {@code admission} version: queued, granted a Redis database, destroyed. */
  static final String ADMITTED = "histories/preview-admitted.json";

  /**
   * A compose host's coordinator ({@code admission:host:{host}}): two repositories' previews
   * granted ports from its {@code port} pool and released.
   */
  static final String COMPOSE_HOST_COORDINATOR = "histories/admission-compose-host.json";

  /**
   * A compose preview with the {@code compose-port-pool} and {@code compose-basic-auth} versions:
   * its port granted by the host's coordinator, its nginx site protected, updated, destroyed.
   */
  static final String COMPOSE_PROTECTED = "histories/preview-compose-protected-port-pool.json";

  /**
   * A compose preview with the {@code compose-services} version: its preview file read at each
   * deployed commit, the services' names passed to the compose file, updated, destroyed.
   */
  static final String COMPOSE_SERVICES = "histories/preview-compose-services.json";

  /**
   * Recorded with the {@code clone-from-snapshot} version: step 7 cloned the newest master snapshot
   * and the status carries where the data came from.
   */
  private static final String CLONE_FROM_SNAPSHOT = "histories/preview-clone-from-snapshot.json";

  /**
   * Recorded with the {@code preview-file} version: the repository's preview file read at each
   * commit, its environment written by reference, a deploy command in the script, two setup
   * commands after the first deployment (the first one still running at its first poll), an update
   * reading the second commit's file, then destroyed.
   */
  static final String PREVIEW_FILE = "histories/preview-file.json";

  /**
   * A {@code MasterSnapshotWorkflow} run: the settings loaded, the refresh failing once (master
   * unreachable) and then made.
   */
  private static final String SNAPSHOT_REFRESH = "histories/master-snapshot-refreshed.json";

  @ParameterizedTest
  @ValueSource(strings = {COORDINATOR, COMPOSE_HOST_COORDINATOR})
  void recordedCoordinatorHistoryReplaysWithoutNonDeterminism(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(resource(name));
    assertThat(history.getEvents()).hasSizeGreaterThan(20);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              PreviewIds.TASK_QUEUE,
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(AdmissionWorkflowImpl.class);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  @Test
  void recordedSnapshotRefreshReplaysWithoutNonDeterminism() throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(resource(SNAPSHOT_REFRESH));
    assertThat(history.getEvents()).hasSizeGreaterThan(10);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              PreviewIds.TASK_QUEUE,
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(MasterSnapshotWorkflowImpl.class);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordSnapshotHistories() throws IOException {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      org.mockito.Mockito.when(activities.clone.refreshSnapshot(org.mockito.ArgumentMatchers.any()))
          .thenThrow(
              io.temporal.failure.ApplicationFailure.newFailure(
                  "connection refused", FailureType.TRANSIENT.name()))
          .thenAnswer(
              i -> {
                dev.forgepreview.workflows.activities.DatabaseCloneActivities.RefreshSnapshotRequest
                    r = i.getArgument(0);
                return new dev.forgepreview.workflows.activities.DatabaseCloneActivities
                    .SnapshotResult(
                    r.snapshot(),
                    r.takenAt(),
                    81920,
                    java.util.List.of(r.snapshot()),
                    java.util.List.of());
              });
      activities.env.start();
      String id = PreviewIds.snapshotScheduleId("acme", "shop");
      MasterSnapshotWorkflow refresh =
          activities
              .env
              .getWorkflowClient()
              .newWorkflowStub(
                  MasterSnapshotWorkflow.class,
                  io.temporal.client.WorkflowOptions.newBuilder()
                      .setWorkflowId(id)
                      .setTaskQueue(PreviewIds.TASK_QUEUE)
                      .build());
      refresh.refresh(new MasterSnapshotWorkflow.SnapshotRequest("acme", "shop"));
      Files.writeString(
          Path.of("src/test/resources").resolve(SNAPSHOT_REFRESH),
          activities
              .env
              .getWorkflowExecutionHistory(WorkflowExecution.newBuilder().setWorkflowId(id).build())
              .toJson(true));

      org.mockito.Mockito.when(activities.clone.cloneDatabase(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult(
                  true,
                  2048,
                  null,
                  new DataSource(
                      DataSource.Kind.SNAPSHOT,
                      "fps_20261129_030000_shop",
                      "2026-11-29T03:00:00Z",
                      81920)));
      PreviewEnvironmentWorkflow workflow = stubAndStart(activities);
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "github"));
      PreviewLifecycleTest.awaitCondition(
          activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      Files.writeString(
          Path.of("src/test/resources").resolve(CLONE_FROM_SNAPSHOT),
          activities
              .env
              .getWorkflowExecutionHistory(
                  WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build())
              .toJson(true));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordPreviewFile", matches = "true")
  void recordPreviewFileHistory() throws IOException {
    PreviewSettings settings =
        TestSettings.withPreviewFile(
            TestSettings.dedicated(),
            PreviewSettings.PreviewFilePart.ENVIRONMENT,
            PreviewSettings.PreviewFilePart.SETUP,
            PreviewSettings.PreviewFilePart.DEPLOY);
    try (MockedActivities activities = new MockedActivities(settings)) {
      org.mockito.Mockito.when(
              activities.github.readPreviewFile(org.mockito.ArgumentMatchers.any()))
          .thenAnswer(
              i -> {
                GitHubActivities.ReadPreviewFileRequest r = i.getArgument(0);
                boolean first = "sha-1".equals(r.sha());
                return new GitHubActivities.PreviewFileContent(
                    r.path(),
                    r.sha(),
                    true,
                    null,
                    first ? List.of("MAIL_MAILER") : List.of("MAIL_MAILER", "FEATURE_X"),
                    List.of("php artisan db:seed --force", "php artisan app:demo-users"),
                    first ? List.of("php artisan storage:link") : List.of(),
                    List.of(),
                    List.of());
              });
      java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong(900);
      org.mockito.Mockito.when(activities.forge.runSiteCommand(org.mockito.ArgumentMatchers.any()))
          .thenAnswer(i -> ids.incrementAndGet());
      org.mockito.Mockito.when(
              activities.forge.awaitSiteCommand(org.mockito.ArgumentMatchers.any()))
          .thenThrow(
              io.temporal.failure.ApplicationFailure.newFailure(
                  "site command 901 is running", FailureType.NOT_READY.name()))
          .thenAnswer(
              i ->
                  new ForgeActivities.SiteCommandRef(
                      i.<ForgeActivities.AwaitSiteCommandRequest>getArgument(0).commandId(),
                      "finished"));
      activities.env.start();
      PreviewEnvironmentWorkflow workflow = stubAndStart(activities);
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "github"));
      PreviewLifecycleTest.awaitCondition(
          activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      Files.writeString(
          Path.of("src/test/resources").resolve(PREVIEW_FILE),
          activities
              .env
              .getWorkflowExecutionHistory(
                  WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build())
              .toJson(true));
    }
  }

  private static PreviewEnvironmentWorkflow stubAndStart(MockedActivities activities) {
    PreviewEnvironmentWorkflow workflow = activities.stub("preview:acme:shop:42");
    io.temporal.client.WorkflowClient.start(
        workflow::run, TestSettings.request(42, "feature/x", "sha-1"));
    return workflow;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        FIRST_RELEASE,
        BEFORE_TTL_SUMMARY,
        BEFORE_CARRIED_NAMES,
        TTL_SUMMARY,
        CURRENT,
        PINNED,
        ENDING,
        LEGACY_TEARDOWN,
        NOTIFIED,
        ADMITTED,
        CLONE_FROM_SNAPSHOT,
        COMPOSE_PROTECTED,
        PREVIEW_FILE,
        COMPOSE_SERVICES
      })
  void recordedHistoryReplaysWithoutNonDeterminism(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(resource(name));
    assertThat(history.getEvents()).hasSizeGreaterThan(50);
    // A cold first replay on a loaded machine can hold the workflow thread past the default 1 s
    // deadlock detection; determinism is what this test checks, so it gets more time.
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              PreviewIds.TASK_QUEUE,
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(PreviewEnvironmentWorkflowImpl.class);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordHistory() throws IOException {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "github"));
      PreviewLifecycleTest.awaitCondition(
          activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build());
      Path target = Path.of("src/test/resources").resolve(CURRENT);
      Files.createDirectories(target.getParent());
      Files.writeString(target, history.toJson(true));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordNotified", matches = "true")
  void recordNotifiedHistory() throws IOException {
    PreviewSettings notifying =
        TestSettings.withNotifications(
            TestSettings.settings(PreviewSettings.Mode.DEDICATED, null, 50),
            new PreviewSettings.Notifications(
                null,
                PreviewSettings.NotificationFormat.JSON,
                List.of(Phase.READY, Phase.FAILED, Phase.TEARDOWN_FAILED)));
    try (MockedActivities activities = new MockedActivities(notifying)) {
      org.mockito.Mockito.when(
              activities.github.resolvePullRequest(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new GitHubActivities.PullRequestHead("feature/x", "aaaaaaa1", "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "aaaaaaa1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(UpdateSignal.forced(null, "cli-1", "operator"));
      PreviewLifecycleTest.awaitCondition(
          activities,
          () -> workflow.status().deployments() == 2 && workflow.status().phase() == Phase.READY);
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      org.mockito.Mockito.verify(activities.notifications, org.mockito.Mockito.times(2))
          .notifyPreview(org.mockito.ArgumentMatchers.any());
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build());
      Path target = Path.of("src/test/resources").resolve(NOTIFIED);
      Files.createDirectories(target.getParent());
      Files.writeString(target, history.toJson(true));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordPinnedHistory() throws IOException {
    try (MockedActivities activities =
        new MockedActivities(
            // One run, no continue-as-new: the history holds every command of the sequence.
            TestSettings.settings(PreviewSettings.Mode.DEDICATED, null, 50))) {
      java.util.concurrent.atomic.AtomicInteger waits =
          new java.util.concurrent.atomic.AtomicInteger();
      org.mockito.Mockito.doAnswer(
              i -> {
                ForgeActivities.AwaitDeploymentRequest r = i.getArgument(0);
                if (waits.incrementAndGet() == 2) {
                  throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                      "deployment failed", FailureType.FAILED.name(), "the end of the log");
                }
                return new ForgeActivities.DeploymentRef(
                    r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
              })
          .when(activities.forge)
          .awaitDeployment(org.mockito.ArgumentMatchers.any());
      org.mockito.Mockito.when(
              activities.github.resolvePullRequest(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new GitHubActivities.PullRequestHead("feature/x", "ccccccc3", "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "aaaaaaa1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("bbbbbbb2", "feature/x", "d-2", "github"));
      PreviewLifecycleTest.awaitCondition(
          activities,
          () ->
              workflow.status().lastUpdateFailure() != null
                  && workflow.status().phase() == Phase.READY);
      workflow.update(new UpdateSignal(null, null, "d-3", "maintainer"));
      PreviewLifecycleTest.awaitCondition(
          activities, () -> "ccccccc3".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build());
      Path target = Path.of("src/test/resources").resolve(PINNED);
      Files.createDirectories(target.getParent());
      Files.writeString(target, history.toJson(true));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordEndingHistory() throws IOException {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      org.mockito.Mockito.when(
              activities.github.commenterPermission(
                  new GitHubActivities.PermissionRequest("acme", "shop", "mallory")))
          .thenReturn(new GitHubActivities.CommenterPermission("mallory", "read", false));
      org.mockito.Mockito.doThrow(
              io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                  "busy", FailureType.VALIDATION.name()))
          .doNothing()
          .when(activities.forge)
          .deleteSite(org.mockito.ArgumentMatchers.any());
      PreviewEnvironmentWorkflow workflow =
          activities.signalWithStart(
              new PreviewRequest("acme", "shop", 42, "feature/x", "sha-1", "wendy", null, true),
              new UpdateSignal("sha-1", "feature/x", "c-1", "wendy", true, true));
      awaitPhase(activities, workflow, Phase.READY);
      String firstRun =
          activities
              .env
              .getWorkflowClient()
              .newUntypedWorkflowStub("preview:acme:shop:42")
              .describe()
              .getExecution()
              .getRunId();
      workflow.update(new UpdateSignal("sha-2", "feature/x", "c-2", "mallory", null, true));
      PreviewLifecycleTest.awaitCondition(
          activities,
          () ->
              org.mockito.Mockito.mockingDetails(activities.github).getInvocations().stream()
                  .anyMatch(i -> i.getMethod().getName().equals("refuseCommand")));
      workflow.destroy(new DestroySignal("pull request closed", "alice"));
      workflow.update(new UpdateSignal("sha-3", "feature/x", "reopened", "alice", true, null));
      PreviewLifecycleTest.awaitCondition(
          activities, () -> "sha-3".equals(workflow.status().deployedSha()));
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder()
                  .setWorkflowId("preview:acme:shop:42")
                  .setRunId(firstRun)
                  .build());
      Path target = Path.of("src/test/resources").resolve(ENDING);
      Files.writeString(target, history.toJson(true));
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "recordLegacyTeardown", matches = "true")
  void recordLegacyTeardownHistory() throws IOException {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      org.mockito.Mockito.doThrow(
              io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                  "busy", FailureType.VALIDATION.name()))
          .doNothing()
          .when(activities.forge)
          .deleteDatabaseUser(org.mockito.ArgumentMatchers.any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result("preview:acme:shop:42");
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder().setWorkflowId("preview:acme:shop:42").build());
      Files.writeString(
          Path.of("src/test/resources").resolve(LEGACY_TEARDOWN), history.toJson(true));
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ReplayTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the test resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
