package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.PreviewSettings.NotificationFormat;
import dev.forgepreview.workflows.PreviewSettings.Notifications;
import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.activities.NotificationActivities.PreviewNotification;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The repository's notification is sent when a preview is READY, FAILED or TEARDOWN_FAILED. */
class NotificationsTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SECRET_URL = "https://hooks.example.test/T000/B000/secret-path-1f3a";
  private static final ApplicationFailure BOOM =
      ApplicationFailure.newNonRetryableFailure("it broke", FailureType.FAILED.name());

  /** As the settings activity answers: the URL is never in the settings the workflow holds. */
  private static PreviewSettings notifying(PreviewSettings s, List<Phase> events) {
    return TestSettings.withNotifications(
        s, new Notifications(SECRET_URL, NotificationFormat.SLACK, events).withoutUrl());
  }

  private static final List<Phase> DEFAULT_EVENTS =
      List.of(Phase.READY, Phase.FAILED, Phase.TEARDOWN_FAILED);

  @Test
  void readyAndEachSuccessfulUpdateNotifyButDestroyedOnlyWhenAskedFor() {
    try (MockedActivities activities =
        new MockedActivities(notifying(TestSettings.dedicated(), DEFAULT_EVENTS))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "octocat"));
      awaitCondition(activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("pull request closed", "octocat"));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);

      ArgumentCaptor<PreviewNotification> sent = ArgumentCaptor.forClass(PreviewNotification.class);
      verify(activities.notifications, times(2)).notifyPreview(sent.capture());
      PreviewNotification first = sent.getAllValues().get(0);
      assertThat(first.repository()).isEqualTo("acme/shop");
      assertThat(first.pullRequest()).isEqualTo(42);
      assertThat(first.previewId()).isEqualTo(ID);
      assertThat(first.event()).isEqualTo("ready");
      assertThat(first.phase()).isEqualTo(Phase.READY);
      assertThat(first.previewUrl()).isEqualTo("https://pr-42-shop.preview.acme.dev");
      assertThat(first.sha()).isEqualTo("sha-1");
      assertThat(first.branch()).isEqualTo("feature/x");
      assertThat(first.failedStep()).isNull();
      assertThat(first.format()).isEqualTo(NotificationFormat.SLACK);
      assertThat(first.at()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(sent.getAllValues().get(1).sha()).isEqualTo("sha-2");
      assertThat(sent.getAllValues()).extracting(PreviewNotification::event).containsOnly("ready");
      assertThat(result.warnings()).isEmpty();
    }
  }

  @Test
  void aFailedProvisioningNotifiesWithTheFailedStep() {
    try (MockedActivities activities =
        new MockedActivities(notifying(TestSettings.dedicated(), DEFAULT_EVENTS))) {
      doThrow(BOOM).when(activities.forge).createSite(any());
      activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.FAILED);

      ArgumentCaptor<PreviewNotification> sent = ArgumentCaptor.forClass(PreviewNotification.class);
      verify(activities.notifications, times(1)).notifyPreview(sent.capture());
      PreviewNotification failed = sent.getValue();
      assertThat(failed.event()).isEqualTo("failed");
      assertThat(failed.phase()).isEqualTo(Phase.FAILED);
      assertThat(failed.failedStep()).isEqualTo("create-site");
      assertThat(failed.failure()).contains("it broke");
      assertThat(failed.sha()).isEqualTo("sha-1");
    }
  }

  @Test
  void aTeardownThatGaveUpNotifiesWithWhatIsLeft() {
    PreviewSettings shared = TestSettings.shared(99);
    Timeouts t = shared.timeouts();
    PreviewSettings oneRound =
        TestSettings.withTimeouts(
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
                1,
                "PT1M"));
    try (MockedActivities activities = new MockedActivities(notifying(oneRound, DEFAULT_EVENTS))) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "DELETE answered 403", FailureType.AUTHENTICATION.name()))
          .when(activities.forge)
          .deleteSite(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.destroy(new DestroySignal("pull request closed", "octocat"));
      assertThat(activities.result(ID).phase()).isEqualTo(Phase.TEARDOWN_FAILED);

      ArgumentCaptor<PreviewNotification> sent = ArgumentCaptor.forClass(PreviewNotification.class);
      verify(activities.notifications, times(2)).notifyPreview(sent.capture());
      PreviewNotification gaveUp = sent.getAllValues().get(1);
      assertThat(gaveUp.event()).isEqualTo("teardown_failed");
      assertThat(gaveUp.leftBehind()).containsExactly("site pr-42-shop.preview.acme.dev");
    }
  }

  @Test
  void aNotificationThatFailsIsAWarningNeverAFailedPreview() {
    try (MockedActivities activities =
        new MockedActivities(notifying(TestSettings.dedicated(), DEFAULT_EVENTS))) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "POST to hooks.example.test answered 404", FailureType.VALIDATION.name()))
          .when(activities.notifications)
          .notifyPreview(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      awaitCondition(activities, () -> !workflow.status().warnings().isEmpty());

      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      assertThat(workflow.status().warnings())
          .containsExactly(
              "notification of ready failed: VALIDATION: POST to hooks.example.test answered 404");
      // The URL's secret path is nowhere in the history (the failure names the host only).
      WorkflowExecutionHistory history = activities.env.getWorkflowClient().fetchHistory(ID);
      assertThat(history.toJson(false)).doesNotContain("secret-path");
      long scheduled =
          history.getEvents().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
              .filter(
                  e ->
                      e.getActivityTaskScheduledEventAttributes()
                          .getActivityType()
                          .getName()
                          .equals("NotifyPreview"))
              .count();
      assertThat(scheduled).isEqualTo(1);
    }
  }

  @Test
  void noUrlOrAnEventNotAskedForSendsNothing() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(BOOM).when(activities.forge).createSite(any());
      activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      assertThat(activities.result(ID).phase()).isEqualTo(Phase.FAILED);
      verify(activities.notifications, never()).notifyPreview(any());
    }
    try (MockedActivities activities =
        new MockedActivities(notifying(TestSettings.dedicated(), List.of(Phase.READY)))) {
      doThrow(BOOM).when(activities.forge).createSite(any());
      activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      assertThat(activities.result(ID).phase()).isEqualTo(Phase.FAILED);
      activities.env.sleep(Duration.ofMinutes(1));
      verify(activities.notifications, never()).notifyPreview(any());
    }
  }
}
