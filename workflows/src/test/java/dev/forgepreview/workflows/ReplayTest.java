package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** Recorded before the {@code ttl-timer-summary} version marker (the TTL timer's summary). */
  private static final String BEFORE_TTL_SUMMARY = "histories/preview-before-ttl-summary.json";

  /** Recorded with the current code (re-record it with the property below). */
  private static final String CURRENT = "histories/preview-current.json";

  /**
   * Recorded with the {@code pin-deployed-commit} version: pinned scripts, a failed update and the
   * redeploy of the previous commit, an update without a sha resolved from GitHub.
   */
  private static final String PINNED = "histories/preview-pinned-update-failed.json";

  @ParameterizedTest
  @ValueSource(strings = {FIRST_RELEASE, BEFORE_TTL_SUMMARY, CURRENT, PINNED})
  void recordedHistoryReplaysWithoutNonDeterminism(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(resource(name));
    assertThat(history.getEvents()).hasSizeGreaterThan(50);
    // The SDK's deadlock detector (1 s by default) fires while the first replay of a JVM loads
    // the SDK's classes on a loaded CI machine; determinism is what this test is about.
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          env.newWorker(
              "replay",
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(PreviewEnvironmentWorkflowImpl.class);
      worker.replayWorkflowExecution(history);
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

  private static String resource(String name) throws IOException {
    try (InputStream in = ReplayTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the test resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
