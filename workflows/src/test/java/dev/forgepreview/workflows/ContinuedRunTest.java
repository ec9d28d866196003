package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import io.temporal.client.BatchRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * A run continued-as-new picks up where the previous one stopped: what it was handed (a pending
 * update, a pending destroy, the deliveries it saw, the sha it last asked for) and the signals that
 * reached the new run before its first line ran (Temporal delivers those first).
 */
class ContinuedRunTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String DEPLOYED = "aaaaaaa1";
  private static final String NEWER = "bbbbbbb2";
  private static final String NEWEST = "ccccccc3";
  private static final long EXPIRES_AT = Instant.parse("2030-01-08T10:00:00Z").toEpochMilli();

  @Test
  void anUpdateHandedOverIsDeployedByTheNextRun() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(
              continued(new UpdateSignal(NEWER, null, "d-2", "github"), false, DEPLOYED));

      awaitCondition(activities, () -> NEWER.equals(workflow.status().deployedSha()));

      assertThat(deployedShas(activities)).containsExactly(NEWER);
      PreviewStatus status = workflow.status();
      assertThat(status.phase()).isEqualTo(Phase.READY);
      assertThat(status.deployments()).isEqualTo(2);
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .containsExactly("load-settings", "deploy-script#2", "deploy#2", "wait-deployment#2");
    }
  }

  @Test
  void anUpdateThatReachedTheNewRunFirstReplacesTheOneHandedOver() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          signalWithStart(
              activities,
              continued(new UpdateSignal(NEWER, null, "d-2", "github"), false, DEPLOYED),
              new UpdateSignal(NEWEST, null, "d-3", "github"));

      awaitCondition(activities, () -> NEWEST.equals(workflow.status().deployedSha()));
      // A redelivery of either webhook, after the continue-as-new, is recognised.
      workflow.update(new UpdateSignal("eeeeeee5", null, "d-3", "github"));
      workflow.update(new UpdateSignal("fffffff6", null, "d-1", "github"));
      activities.env.sleep(Duration.ofMinutes(1));

      assertThat(deployedShas(activities)).containsExactly(NEWEST);
      assertThat(workflow.status().deployedSha()).isEqualTo(NEWEST);
    }
  }

  @Test
  void aDestroyHandedOverTearsThePreviewDownWithoutWaitingForItsTtl() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow = activities.start(continued(null, true, DEPLOYED));

      // Well before the TTL (days away): the teardown starts at once.
      awaitPhase(activities, workflow, Phase.DESTROYED);

      assertThat(workflow.status().rolledBack())
          .containsExactly(
              "delete-database-user", "delete-database", "delete-site", "delete-server");
      verify(activities.forge, never()).deploySite(any());
    }
  }

  /**
   * Forge reported the commit under its full sha while the deployment was asked for the short one
   * (the start's own sha): the start's update signal, arriving again, is not a new commit.
   */
  @Test
  void theShaLastAskedForIsCarriedSoItsRedeliveryDoesNotRedeploy() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(continued(null, false, DEPLOYED, DEPLOYED + "f00dfeedf00dfeed"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(DEPLOYED, null, "d-9", "github"));
      activities.env.sleep(Duration.ofMinutes(1));

      verify(activities.forge, never()).deploySite(any());
      // What the previous run reported is still reported.
      PreviewStatus status = workflow.status();
      assertThat(status.warnings()).containsExactly("site-health: site unhealthy: 502");
      assertThat(status.lastUpdateFailure().sha()).isEqualTo("9999999");
      assertThat(status.failureLog()).isEqualTo("earlier log");
      assertThat(status.deployments()).isEqualTo(1);
    }
  }

  /**
   * A run continued from one that did not carry the requested sha falls back to the deployed one:
   * that is the commit a failed update redeploys.
   */
  @Test
  void aRunFromBeforeTheRequestedShaWasCarriedRedeploysTheDeployedCommitAfterAFailedUpdate() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doAnswer(
              i -> {
                AwaitDeploymentRequest r = i.getArgument(0);
                if (r.deploymentId() == 501) {
                  throw ApplicationFailure.newNonRetryableFailure(
                      "deployment 501 of site 11 failed", FailureType.FAILED.name(), "boom");
                }
                return new DeploymentRef(
                    r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
              })
          .when(activities.forge)
          .awaitDeployment(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(continued(null, false, null, DEPLOYED));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(NEWER, null, "d-2", "github"));
      awaitCondition(
          activities,
          () ->
              workflow.status().lastUpdateFailure() != null
                  && workflow.status().phase() == Phase.READY);

      assertThat(deployedShas(activities)).containsExactly(NEWER, DEPLOYED);
      assertThat(workflow.status().deployedSha()).isEqualTo(DEPLOYED);
      assertThat(workflow.status().lastUpdateFailure().sha()).isEqualTo(NEWER);
    }
  }

  @Test
  void anExtendThatReachedTheNewRunFirstIsAddedToTheCarriedExpiry() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      activities.env.start();
      PreviewEnvironmentWorkflow workflow = activities.stub(ID);
      BatchRequest batch = activities.env.getWorkflowClient().newSignalWithStartRequest();
      batch.add(workflow::run, continued(null, false, DEPLOYED));
      batch.add(workflow::extend, new ExtendSignal("P2D"));
      activities.env.getWorkflowClient().signalWithStart(batch);

      awaitPhase(activities, workflow, Phase.READY);

      assertThat(Instant.parse(workflow.status().expiresAt()))
          .isEqualTo(Instant.ofEpochMilli(EXPIRES_AT).plus(Duration.ofDays(2)));
      verify(activities.forge, never()).deploySite(any());
    }
  }

  private static PreviewEnvironmentWorkflow signalWithStart(
      MockedActivities activities, PreviewRequest request, UpdateSignal update) {
    return activities.signalWithStart(request, update);
  }

  private static List<String> deployedShas(MockedActivities activities) {
    ArgumentCaptor<DeployRequest> deploys = ArgumentCaptor.forClass(DeployRequest.class);
    verify(activities.forge, atLeast(0)).deploySite(deploys.capture());
    return deploys.getAllValues().stream().map(DeployRequest::headSha).toList();
  }

  private static PreviewRequest continued(
      UpdateSignal pendingUpdate, boolean destroyRequested, String requestedSha) {
    return continued(pendingUpdate, destroyRequested, requestedSha, DEPLOYED);
  }

  /** The input of a run continued from a READY preview that deployed {@code deployedSha}. */
  private static PreviewRequest continued(
      UpdateSignal pendingUpdate,
      boolean destroyRequested,
      String requestedSha,
      String deployedSha) {
    PreviewStatus status =
        new PreviewStatus(
            ID,
            "acme/shop",
            42,
            Phase.READY,
            "https://pr-42-shop.preview.acme.dev",
            "feature/x",
            deployedSha,
            deployedSha,
            ForgeResources.none()
                .withServer(7L, "192.0.2.7")
                .withSite(11L)
                .withDatabase(21L)
                .withDatabaseUser(31L),
            List.of(
                new StepRecord(
                    "load-settings",
                    StepRecord.StepState.SUCCEEDED,
                    1,
                    "2030-01-01T10:00:00Z",
                    "2030-01-01T10:00:01Z",
                    null)),
            List.of("site-health: site unhealthy: 502"),
            Instant.ofEpochMilli(EXPIRES_AT).toString(),
            null,
            null,
            List.of(),
            1,
            "earlier log",
            new UpdateFailure(
                "9999999",
                "feature/x",
                "wait-deployment#2",
                "failed",
                null,
                "2030-01-01T11:00:00Z"),
            PreviewNames.of(TestSettings.dedicated(), 42, PreviewNames.OWNER_HASH),
            List.of(),
            null);
    CarriedState carried =
        new CarriedState(
            TestSettings.dedicated(),
            status,
            EXPIRES_AT,
            pendingUpdate,
            destroyRequested ? new DestroySignal("closed", "octocat") : null,
            destroyRequested,
            List.of("d-1"),
            requestedSha);
    return TestSettings.request(42, "feature/x", DEPLOYED).withCarried(carried);
  }
}
