package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ForgeInventory;
import dev.forgepreview.workflows.activities.ForgeActivities.NamedResource;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Teardowns and rollbacks give up after their rounds: {@link Phase#TEARDOWN_FAILED}. */
class BoundedTeardownTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SITE = "pr-42-shop.preview.acme.dev";
  private static final ApplicationFailure REVOKED =
      ApplicationFailure.newNonRetryableFailure(
          "DELETE /servers/99/sites/11 answered 403", FailureType.AUTHENTICATION.name());

  /** Shared server 99, three rounds one minute apart. */
  private static PreviewSettings threeRounds() {
    PreviewSettings shared = TestSettings.shared(99);
    Timeouts t = shared.timeouts();
    return TestSettings.withTimeouts(
        shared,
        new Timeouts(
            t.serverReady(),
            t.serverPollInterval(),
            t.resourcePollInterval(),
            t.deployment(),
            t.deploymentPollInterval(),
            t.healthTries(),
            t.healthInterval(),
            t.connectivityTries(),
            t.connectivityInterval(),
            3,
            "PT1M"));
  }

  @Test
  void aTeardownThatKeepsFailingEndsTeardownFailedWithWhatIsLeft() {
    try (MockedActivities activities = new MockedActivities(threeRounds())) {
      doThrow(REVOKED).when(activities.forge).deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("pull request closed", "alice"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.TEARDOWN_FAILED);
      assertThat(result.leftBehind()).hasSize(1);
      Leftover site = result.leftBehind().get(0);
      assertThat(site.resource()).isEqualTo("site");
      assertThat(site.name()).isEqualTo(SITE);
      assertThat(site.lastError()).contains("AUTHENTICATION").contains("403");
      assertThat(result.rolledBack()).containsExactly("delete-database-user", "delete-database");
      verify(activities.forge, times(3)).deleteSite(any());
      verify(activities.forge, times(1)).deleteDatabase(any());
      assertThat(result.warnings())
          .anyMatch(w -> w.startsWith("delete-site failed (round 1 of 3)"))
          .anyMatch(w -> w.startsWith("delete-site failed (round 3 of 3)"))
          .noneMatch(w -> w.contains("round 2 of 3"));

      // The phase is searchable, and the run is closed so the id is free and the cleanup owns it.
      WorkflowExecution execution = WorkflowExecution.newBuilder().setWorkflowId(ID).build();
      assertThat(
              activities
                  .env
                  .getWorkflowClient()
                  .newUntypedWorkflowStub(ID)
                  .describe()
                  .getTypedSearchAttributes()
                  .get(PreviewIds.PHASE))
          .isEqualTo("TEARDOWN_FAILED");

      // The pull request learns what is left.
      ArgumentCaptor<PublishStatusRequest> published =
          ArgumentCaptor.forClass(PublishStatusRequest.class);
      verify(activities.github, org.mockito.Mockito.atLeastOnce())
          .publishStatus(published.capture());
      PreviewStatus last = published.getValue().status();
      assertThat(last.phase()).isEqualTo(Phase.TEARDOWN_FAILED);
      assertThat(last.leftBehind()).containsExactly(site);

      // Bounded history: three rounds add three activities and two timers, not one per minute.
      WorkflowExecutionHistory history = activities.env.getWorkflowExecutionHistory(execution);
      long timers =
          history.getEvents().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
              .count();
      // (The whole run is about 200 events, the clone-from-snapshot version marker included.)
      assertThat(history.getEvents().size()).isLessThan(220);
      assertThat(timers).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void aRollbackThatKeepsFailingEndsTeardownFailedAndKeepsTheFailure() {
    try (MockedActivities activities = new MockedActivities(threeRounds())) {
      doThrow(ApplicationFailure.newNonRetryableFailure("no", FailureType.VALIDATION.name()))
          .when(activities.forge)
          .deploySite(any());
      doThrow(REVOKED).when(activities.forge).deleteDatabase(any());

      activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.TEARDOWN_FAILED);
      assertThat(result.failedStep()).isEqualTo("deploy");
      assertThat(result.leftBehind()).extracting(Leftover::name).containsExactly("pr_42");
      assertThat(result.rolledBack()).containsExactly("delete-database-user", "delete-site");
      verify(activities.forge, times(3)).deleteDatabase(any());
    }
  }

  @Test
  void aFailureThatHealsWithinTheRoundsStillEndsDestroyed() {
    try (MockedActivities activities = new MockedActivities(threeRounds())) {
      doThrow(REVOKED).doNothing().when(activities.forge).deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("done", "alice"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.leftBehind()).isEmpty();
      assertThat(result.rolledBack()).contains("delete-site");
      verify(activities.forge, times(2)).deleteSite(any());
    }
  }

  @Test
  void aDedicatedServerThatIsDeletedTakesTheLeftoversOnItWithIt() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(REVOKED).when(activities.forge).deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("done", "alice"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack()).contains("delete-server");
      verify(activities.forge, times(1)).deleteSite(any());
    }
  }

  @Test
  void theCleanupDeletesWhatATeardownLeftBehind() {
    try (MockedActivities activities = new MockedActivities(threeRounds())) {
      doThrow(REVOKED).when(activities.forge).deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.destroy(new DestroySignal("done", "alice"));
      Leftover left = activities.result(ID).leftBehind().get(0);

      // Later: the token works again; the closed run owns nothing, so its site is an orphan.
      doNothing().when(activities.forge).deleteSite(any());
      when(activities.cleanup.listOpenPreviews()).thenReturn(List.of());
      when(activities.settings.allRepositorySettings()).thenReturn(List.of(threeRounds()));
      when(activities.forge.listPreviewResources(any()))
          .thenReturn(
              new ForgeInventory(List.of(new NamedResource("site", 11, 99, left.name(), null))));
      CleanupReport report =
          activities
              .env
              .getWorkflowClient()
              .newWorkflowStub(
                  PreviewCleanupWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                      .setTaskQueue(PreviewIds.TASK_QUEUE)
                      .build())
              .run(new CleanupRequest(false, "PT2H"));

      assertThat(report.deletedOrphans()).containsExactly("site " + SITE + " (#42)");
      ArgumentCaptor<DeleteSiteRequest> deleted = ArgumentCaptor.forClass(DeleteSiteRequest.class);
      verify(activities.forge, times(4)).deleteSite(deleted.capture());
      assertThat(deleted.getValue().domain()).isEqualTo(SITE);
      assertThat(deleted.getValue().serverId()).isEqualTo(99L);
    }
  }
}
