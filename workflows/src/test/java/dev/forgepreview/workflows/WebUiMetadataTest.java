package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the Web UI reads from a preview's run: the current details (markdown, one paragraph per
 * fact, the expiry included), the TTL timer's summary and each rollback activity's summary.
 */
class WebUiMetadataTest {
  private static final String ID = "preview:acme:shop:42";

  private static String currentDetails(MockedActivities activities) {
    return activities
        .env
        .getWorkflowClient()
        .newUntypedWorkflowStub(ID)
        .query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();
  }

  private static List<String> summaries(MockedActivities activities, EventType type) {
    return activities
        .env
        .getWorkflowExecutionHistory(WorkflowExecution.newBuilder().setWorkflowId(ID).build())
        .getEvents()
        .stream()
        .filter(e -> e.getEventType() == type)
        .filter(HistoryEvent::hasUserMetadata)
        .map(e -> text(e.getUserMetadata().getSummary()))
        .toList();
  }

  private static String text(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, String.class, String.class);
  }

  @Test
  void readyPreviewDetailsAreParagraphsWithUrlCommitExpiryAndSteps() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234def"));
      awaitPhase(activities, workflow, Phase.READY);
      String expiry =
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
              .withZone(ZoneOffset.UTC)
              .format(Instant.parse(workflow.status().expiresAt()));

      String details = currentDetails(activities);

      assertThat(details)
          .startsWith("**READY** · acme/shop#42\n\n")
          .contains("\n\nURL: https://pr-42-shop.preview.acme.dev\n\n")
          .contains("Commit: `abc1234`")
          .contains("\n\nExpires: " + expiry + "\n\n")
          .contains("Steps:\n\n- load-settings: SUCCEEDED\n")
          .contains("- wait-deployment: SUCCEEDED\n");
      // The TTL timer says when it fires instead of showing a bare id.
      assertThat(summaries(activities, EventType.EVENT_TYPE_TIMER_STARTED))
          .contains("TTL: expires " + expiry);
    }
  }

  @Test
  void failedPreviewDetailsShowTheFailedStepItsReasonAndWhatWasRolledBack() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "deployment 7 failed; end of its log:\nnpm ERR! missing script: build",
                  FailureType.FAILED.name()))
          .when(activities.forge)
          .awaitDeployment(any());
      activities.start(TestSettings.request(42, "feature/x", "abc1234def"));
      activities.result(ID);

      String details = currentDetails(activities);

      assertThat(details)
          .startsWith("**FAILED** · acme/shop#42\n\n")
          .contains("**Failed at wait-deployment**: ")
          .contains("npm ERR! missing script: build")
          .contains(
              "Rolled back: delete-database-user, delete-database, delete-site, delete-server");
      // Each rollback activity names what it deletes, with its Forge id.
      assertThat(summaries(activities, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
          .contains(
              "Delete site 11 (pr-42-shop.preview.acme.dev)",
              "Delete database 21 (pr_42)",
              "Delete server " + serverId(activities) + " (pr-42-shop-9b3a2c)");
    }
  }

  private static String serverId(MockedActivities activities) {
    return Long.toString(activities.result(ID).resources().serverId());
  }
}
