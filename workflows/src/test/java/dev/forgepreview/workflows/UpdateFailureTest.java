package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Each deployment is pinned to its sha, and a failed update is reported as one: the preview stays
 * READY on the commit really deployed, with the failed update in its status. Activities are mocks
 * driving the failures (each is tested for real in activities/ and worker/).
 */
class UpdateFailureTest {
  private static final String FIRST = "aaaaaaa1";
  private static final String SECOND = "bbbbbbb2";
  private static final String THIRD = "ccccccc3";

  /** 100 lines ending with the error, as a failed Forge deployment's log would. */
  private static final String LOG =
      IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"))
          + "\nSQLSTATE[42S01]: Base table or view already exists";

  @Test
  void everyDeploymentWritesAScriptPinnedToItsSha() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> SECOND.equals(workflow.status().deployedSha()));

      assertThat(scriptShas(activities)).containsExactly(FIRST, SECOND);
      ArgumentCaptor<WriteDeploymentScriptRequest> scripts =
          ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
      verify(activities.forge, times(2)).writeDeploymentScript(scripts.capture());
      assertThat(scripts.getValue().branch()).isEqualTo("feature/x");
      assertThat(scripts.getValue().phpVersion()).isEqualTo("php83");
      assertThat(workflow.status().headSha()).isEqualTo(SECOND);
      assertThat(workflow.status().lastUpdateFailure()).isNull();
    }
  }

  @Test
  void aFailedUpdateStaysReadyOnTheDeployedCommitRedeploysItAndSaysWhichUpdateFailedAndWhy() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      failSecondDeployment(activities);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> workflow.status().lastUpdateFailure() != null);
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.deployedSha()).isEqualTo(FIRST);
      assertThat(status.headSha()).isEqualTo(SECOND);
      UpdateFailure failure = status.lastUpdateFailure();
      assertThat(failure.sha()).isEqualTo(SECOND);
      assertThat(failure.step()).isEqualTo("wait-deployment#2");
      assertThat(failure.reason()).contains("deployment 502 of site 11 failed");
      assertThat(failure.log())
          .endsWith("SQLSTATE[42S01]: Base table or view already exists")
          .doesNotContain("line 1\n");
      assertThat(failure.log().lines()).hasSize(DeploymentLogTail.MAX_LINES);
      // The deployment ran and may have changed the site: the approved commit goes back on.
      assertThat(scriptShas(activities)).containsExactly(FIRST, SECOND, FIRST);
      verify(activities.forge, times(3)).deploySite(any());
      assertThat(status.steps())
          .filteredOn(step -> step.name().startsWith("wait-deployment"))
          .extracting(StepRecord::name, StepRecord::state)
          .containsExactly(
              tuple("wait-deployment", StepState.SUCCEEDED),
              tuple("wait-deployment#2", StepState.FAILED),
              tuple("wait-deployment#3", StepState.SUCCEEDED));
      // The pull request hears about it with the status it last published.
      ArgumentCaptor<PublishStatusRequest> published =
          ArgumentCaptor.forClass(PublishStatusRequest.class);
      verify(activities.github, atLeastOnce()).publishStatus(published.capture());
      PreviewStatus last = published.getValue().status();
      assertThat(last.phase()).isEqualTo(Phase.READY);
      assertThat(last.lastUpdateFailure()).isEqualTo(failure);
      // The Web UI's details of the run say it too, with the log's end.
      WorkflowMetadata metadata =
          activities
              .env
              .getWorkflowClient()
              .newUntypedWorkflowStub("preview:acme:shop:42")
              .query("__temporal_workflow_metadata", WorkflowMetadata.class);
      assertThat(metadata.getCurrentDetails())
          .contains("Update to bbbbbbb failed at wait-deployment#2")
          .contains("```\nline 62\n")
          .contains("Base table or view already exists\n```");
    }
  }

  @Test
  void aScriptThatCouldNotBeWrittenChangedNothingSoNothingIsRedeployed() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(ApplicationFailure.newNonRetryableFailure("no such site", "NOT_FOUND"))
          .when(activities.forge)
          .writeDeploymentScript(argThat(r -> SECOND.equals(r.sha())));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> workflow.status().lastUpdateFailure() != null);
      awaitPhase(activities, workflow, Phase.READY);

      UpdateFailure failure = workflow.status().lastUpdateFailure();
      assertThat(failure.step()).isEqualTo("deploy-script#2");
      assertThat(failure.log()).isNull();
      assertThat(workflow.status().deployedSha()).isEqualTo(FIRST);
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  @Test
  void aLaterUpdateThatSucceedsClearsTheFailure() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      failSecondDeployment(activities);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> workflow.status().lastUpdateFailure() != null);

      workflow.update(new UpdateSignal(THIRD, "feature/x", "d-3", "github"));
      awaitCondition(activities, () -> THIRD.equals(workflow.status().deployedSha()));

      assertThat(workflow.status().lastUpdateFailure()).isNull();
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
    }
  }

  @Test
  void anUpdateWithoutAShaPinsTheHeadGitHubNamesAtApproval() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("feature/x", THIRD, "mallory/shop", "open"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      // A maintainer's /update comment: no sha in the payload.
      workflow.update(new UpdateSignal(null, null, "d-2", "maintainer"));
      awaitCondition(activities, () -> THIRD.equals(workflow.status().deployedSha()));

      assertThat(scriptShas(activities)).containsExactly(FIRST, THIRD);
      assertThat(workflow.status().headSha()).isEqualTo(THIRD);
    }
  }

  @Test
  void anUpdateWithoutAShaWhoseHeadIsDeployedAlreadyDoesNotRedeploy() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("feature/x", FIRST, "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow = activities.start(TestSettings.request(42, null, null));
      // The /preview start's own update signal, which carries no sha either.
      workflow.update(new UpdateSignal(null, null, "d-1", "maintainer"));
      awaitPhase(activities, workflow, Phase.READY);
      activities.env.sleep(Duration.ofMinutes(1));

      verify(activities.forge, times(1)).deploySite(any());
      assertThat(workflow.status().deployedSha()).isEqualTo(FIRST);
    }
  }

  @Test
  void anUpdateWhoseHeadCannotBeLookedUpIsIgnoredWithAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);
      when(activities.github.resolvePullRequest(any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure("bad credentials", "AUTHENTICATION"));

      workflow.update(new UpdateSignal(null, null, "d-2", "maintainer"));
      awaitCondition(
          activities,
          () ->
              workflow.status().warnings().stream().anyMatch(w -> w.startsWith("update ignored")));

      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  @Test
  void aFailedFirstDeploymentKeepsTheEndOfItsLogInTheStatus() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "deployment 501 of site 11 failed", FailureType.FAILED.name(), LOG))
          .when(activities.forge)
          .awaitDeployment(any());
      activities.start(TestSettings.request(42, "feature/x", FIRST));

      PreviewStatus result = activities.result("preview:acme:shop:42");
      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("wait-deployment");
      assertThat(result.failureLog()).endsWith("Base table or view already exists");
      assertThat(result.failureLog().length()).isLessThanOrEqualTo(DeploymentLogTail.MAX_CHARS);
      assertThat(result.steps())
          .filteredOn(step -> step.name().equals("wait-deployment"))
          .singleElement()
          .satisfies(step -> assertThat(step.message()).doesNotContain("line 100"));
    }
  }

  @Test
  void aRedeployThatFailsTooIsReportedAndThePreviewStaysOnItsLastGoodCommit() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      AtomicInteger waits = new AtomicInteger();
      doAnswer(
              i -> {
                AwaitDeploymentRequest r = i.getArgument(0);
                if (waits.incrementAndGet() > 1) {
                  throw ApplicationFailure.newNonRetryableFailure(
                      "deployment " + r.deploymentId() + " of site 11 failed",
                      FailureType.FAILED.name(),
                      LOG);
                }
                return new DeploymentRef(
                    r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
              })
          .when(activities.forge)
          .awaitDeployment(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(
          activities, () -> waits.get() == 3 && workflow.status().phase() == Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.deployedSha()).isEqualTo(FIRST);
      assertThat(status.lastUpdateFailure().sha()).isEqualTo(SECOND);
      assertThat(status.warnings())
          .anyMatch(
              w ->
                  w.startsWith(
                      "redeploying aaaaaaa after the failed update failed too, the site may be"
                          + " broken: FAILED: deployment 503"));
      assertThat(scriptShas(activities)).containsExactly(FIRST, SECOND, FIRST);
    }
  }

  /** Closing the pull request while an update deploys is a teardown, not a failed update. */
  @Test
  void aDestroyDuringAnUpdateTearsDownWithoutReportingAFailedUpdate() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      java.util.concurrent.CompletableFuture<Void> updating =
          new java.util.concurrent.CompletableFuture<>();
      doAnswer(
              i -> {
                AwaitDeploymentRequest r = i.getArgument(0);
                if (r.deploymentId() == 502) {
                  updating.complete(null);
                  throw ApplicationFailure.newFailure("deploying", FailureType.NOT_READY.name());
                }
                return new DeploymentRef(
                    r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
              })
          .when(activities.forge)
          .awaitDeployment(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      updating.join();
      // Between two polls of the deployment: the moment a destroy usually lands, and the one the
      // test server handles as the real one does (a cancel of an attempt in flight it retries
      // instead of ending, so the teardown would wait for a poll that never finishes).
      activities.env.sleep(java.time.Duration.ofSeconds(2));

      workflow.destroy(new DestroySignal("pull request closed", "octocat"));
      PreviewStatus result = activities.result("preview:acme:shop:42");

      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.lastUpdateFailure()).isNull();
      assertThat(result.warnings()).noneMatch(w -> w.contains("failed"));
      assertThat(scriptShas(activities)).containsExactly(FIRST, SECOND);
      ArgumentCaptor<PublishStatusRequest> published =
          ArgumentCaptor.forClass(PublishStatusRequest.class);
      verify(activities.github, atLeastOnce()).publishStatus(published.capture());
      List<Phase> phases = published.getAllValues().stream().map(p -> p.status().phase()).toList();
      assertThat(phases.subList(phases.indexOf(Phase.UPDATING), phases.size()))
          .containsExactly(Phase.UPDATING, Phase.DESTROYING, Phase.DESTROYED);
    }
  }

  @Test
  void anUpdateWhoseHeadGitHubCannotNameIsIgnoredWithAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("feature/x", null, "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(null, null, "d-2", "maintainer"));
      awaitCondition(
          activities,
          () ->
              workflow.status().warnings().contains("update ignored: GitHub named no head commit"));

      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      assertThat(workflow.status().headSha()).isEqualTo(FIRST);
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  /** The second deployment (of {@link #SECOND}) ends {@code failed}; the others finish. */
  private static void failSecondDeployment(MockedActivities activities) {
    AtomicInteger waits = new AtomicInteger();
    doAnswer(
            i -> {
              AwaitDeploymentRequest r = i.getArgument(0);
              if (waits.incrementAndGet() == 2) {
                throw ApplicationFailure.newNonRetryableFailure(
                    "deployment " + r.deploymentId() + " of site 11 failed",
                    FailureType.FAILED.name(),
                    LOG);
              }
              return new DeploymentRef(
                  r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
            })
        .when(activities.forge)
        .awaitDeployment(any());
  }

  private static List<String> scriptShas(MockedActivities activities) {
    ArgumentCaptor<WriteDeploymentScriptRequest> scripts =
        ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
    verify(activities.forge, atLeastOnce()).writeDeploymentScript(scripts.capture());
    return scripts.getAllValues().stream().map(WriteDeploymentScriptRequest::sha).toList();
  }
}
