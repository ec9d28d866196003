package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** A start (reopened, {@code /preview}) that reaches a run while it is ending is not lost. */
class StartDuringTeardownTest {
  private static final String ID = "preview:acme:shop:42";

  private static UpdateSignal reopened(String sha, String delivery) {
    return new UpdateSignal(sha, "feature/x", delivery, "alice", true, null);
  }

  @Test
  void closedThenReopenedAtOnceGivesAFreshPreviewOnceTheTeardownIsDone() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("pull request closed", "alice"));
      workflow.update(reopened("sha-2", "reopened-1"));

      // The first run tears down, then a fresh run provisions the reopened commit.
      awaitCondition(
          activities,
          () -> {
            PreviewStatus s = workflow.status();
            return s.phase() == Phase.READY && "sha-2".equals(s.deployedSha());
          });
      verify(activities.forge, times(1)).deleteSite(any());
      verify(activities.forge, times(2)).createSite(any());
      ArgumentCaptor<DeployRequest> deploys = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge, times(2)).deploySite(deploys.capture());
      assertThat(deploys.getAllValues())
          .extracting(DeployRequest::headSha)
          .containsExactly("sha-1", "sha-2");

      // The pull request was told what happens next.
      ArgumentCaptor<PublishStatusRequest> published =
          ArgumentCaptor.forClass(PublishStatusRequest.class);
      verify(activities.github, atLeastOnce()).publishStatus(published.capture());
      assertThat(published.getAllValues())
          .map(PublishStatusRequest::status)
          .anyMatch(s -> s.phase() == Phase.DESTROYED && "alice".equals(s.startAfterTeardown()));
    }
  }

  @Test
  void aStartDuringTheRollbackOfAFailedProvisioningStartsAgainAfterIt() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      doThrow(ApplicationFailure.newNonRetryableFailure("no", FailureType.VALIDATION.name()))
          .doReturn(new DatabaseRefs().db())
          .when(activities.forge)
          .createDatabase(any());
      // The first site delete fails once, so the rollback takes a round's pause.
      doThrow(ApplicationFailure.newNonRetryableFailure("busy", FailureType.VALIDATION.name()))
          .doNothing()
          .when(activities.forge)
          .deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitCondition(activities, () -> workflow.status().failedStep() != null);

      workflow.update(reopened("sha-1", "preview-again"));

      awaitPhase(activities, workflow, Phase.READY);
      verify(activities.forge, times(2)).createSite(any());
      assertThat(workflow.status().failedStep()).isNull();
    }
  }

  @Test
  void aStartThatReachesALivePreviewIsOnlyAnUpdate() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(reopened("sha-1", "again"));
      workflow.destroy(new DestroySignal("closed", "alice"));

      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.startAfterTeardown()).isNull();
      verify(activities.forge, times(1)).createSite(any());
    }
  }

  /** The database the mocked Forge hands out on the second try. */
  private record DatabaseRefs() {
    dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef db() {
      return new dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef(7, 21, "pr_42");
    }
  }
}
