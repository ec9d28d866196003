package dev.forgepreview.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskCompletedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a workflow's time went, read back from a history with known event times. */
class HistoryTimesTest {
  private static HistoryEvent event(long id, EventType type, long millis) {
    return HistoryEvent.newBuilder()
        .setEventId(id)
        .setEventType(type)
        .setEventTime(
            Timestamp.newBuilder()
                .setSeconds(millis / 1000)
                .setNanos((int) (millis % 1000) * 1_000_000))
        .build();
  }

  @Test
  void splitsAnActivityIntoItsWaitItsRunAndTheWorkflowsTurnAfterIt() {
    List<HistoryEvent> history =
        List.of(
            event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 1_000),
            event(2, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 1_000),
            event(3, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 1_010).toBuilder()
                .setWorkflowTaskStartedEventAttributes(
                    WorkflowTaskStartedEventAttributes.newBuilder().setScheduledEventId(2))
                .build(),
            event(4, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 1_030).toBuilder()
                .setWorkflowTaskCompletedEventAttributes(
                    WorkflowTaskCompletedEventAttributes.newBuilder().setStartedEventId(3))
                .build(),
            event(5, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 1_030).toBuilder()
                .setActivityTaskScheduledEventAttributes(
                    ActivityTaskScheduledEventAttributes.newBuilder()
                        .setActivityType(ActivityType.newBuilder().setName("CreateSite")))
                .build(),
            event(6, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, 1_065).toBuilder()
                .setActivityTaskStartedEventAttributes(
                    ActivityTaskStartedEventAttributes.newBuilder().setScheduledEventId(5))
                .build(),
            event(7, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1_082).toBuilder()
                .setActivityTaskCompletedEventAttributes(
                    ActivityTaskCompletedEventAttributes.newBuilder().setScheduledEventId(5))
                .build(),
            event(8, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 1_082),
            event(9, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 1_112).toBuilder()
                .setWorkflowTaskStartedEventAttributes(
                    WorkflowTaskStartedEventAttributes.newBuilder().setScheduledEventId(8))
                .build(),
            event(10, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 1_125).toBuilder()
                .setWorkflowTaskCompletedEventAttributes(
                    WorkflowTaskCompletedEventAttributes.newBuilder().setStartedEventId(9))
                .build(),
            event(11, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 1_129));

    HistoryTimes.Times times = HistoryTimes.of(history);

    assertThat(times.activities())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.type()).isEqualTo("CreateSite");
              assertThat(a.dispatchMs()).isCloseTo(35, within(0.001));
              assertThat(a.runMs()).isCloseTo(17, within(0.001));
              assertThat(a.turnMs()).isCloseTo(47, within(0.001));
            });
    assertThat(times.tasks().count()).isEqualTo(2);
    assertThat(times.tasks().queuedMs()).isCloseTo(10 + 30, within(0.001));
    assertThat(times.tasks().runMs()).isCloseTo(20 + 13, within(0.001));
    assertThat(times.firstToLastMs()).isCloseTo(129, within(0.001));
  }
}
