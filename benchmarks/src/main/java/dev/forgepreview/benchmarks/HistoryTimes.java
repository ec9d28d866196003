package dev.forgepreview.benchmarks;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a workflow's time went, read from its history's event times (the Temporal server's clock):
 * for each activity, the wait for a worker to take it (scheduled → started), its run (started →
 * closed), and the turn of the workflow after it (closed → the next command's event: the workflow
 * task's wait in its queue, the worker's decision and the server's writes).
 */
final class HistoryTimes {
  /** One activity: its type and the three spans in milliseconds. */
  record Span(String type, double dispatchMs, double runMs, double turnMs) {}

  /** The workflow tasks: their total wait in the queue and total time on the worker, in ms. */
  record Tasks(int count, double queuedMs, double runMs) {}

  record Times(List<Span> activities, Tasks tasks, double firstToLastMs) {
    double sum(java.util.function.ToDoubleFunction<Span> f) {
      return activities.stream().mapToDouble(f).sum();
    }
  }

  private HistoryTimes() {}

  static Times of(WorkflowClient client, String workflowId) {
    return of(client.fetchHistory(workflowId).getEvents());
  }

  static Times of(List<HistoryEvent> events) {
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    Map<Long, HistoryEvent> started = new HashMap<>();
    List<Span> spans = new ArrayList<>();
    Map<Long, HistoryEvent> taskScheduled = new HashMap<>();
    Map<Long, HistoryEvent> taskStarted = new HashMap<>();
    int tasks = 0;
    double queued = 0;
    double run = 0;
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      EventType type = e.getEventType();
      switch (type) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> scheduled.put(e.getEventId(), e);
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            started.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), e);
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EVENT_TYPE_ACTIVITY_TASK_FAILED,
            EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> {
          long id =
              switch (type) {
                case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
                    e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
                case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
                    e.getActivityTaskFailedEventAttributes().getScheduledEventId();
                default -> e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
              };
          HistoryEvent s = scheduled.get(id);
          HistoryEvent st = started.getOrDefault(id, s);
          double turn = 0;
          for (int j = i + 1; j < events.size(); j++) {
            if (isCommand(events.get(j).getEventType())) {
              turn = ms(e.getEventTime(), events.get(j).getEventTime());
              break;
            }
          }
          spans.add(
              new Span(
                  s.getActivityTaskScheduledEventAttributes().getActivityType().getName(),
                  ms(s.getEventTime(), st.getEventTime()),
                  ms(st.getEventTime(), e.getEventTime()),
                  turn));
        }
        case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> taskScheduled.put(e.getEventId(), e);
        case EVENT_TYPE_WORKFLOW_TASK_STARTED -> {
          HistoryEvent s =
              taskScheduled.get(e.getWorkflowTaskStartedEventAttributes().getScheduledEventId());
          if (s != null) {
            queued += ms(s.getEventTime(), e.getEventTime());
          }
          taskStarted.put(e.getEventId(), e);
        }
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
          HistoryEvent s =
              taskStarted.get(e.getWorkflowTaskCompletedEventAttributes().getStartedEventId());
          if (s != null) {
            tasks++;
            run += ms(s.getEventTime(), e.getEventTime());
          }
        }
        default -> {}
      }
    }
    double total =
        events.isEmpty()
            ? 0
            : ms(events.get(0).getEventTime(), events.get(events.size() - 1).getEventTime());
    return new Times(spans, new Tasks(tasks, queued, run), total);
  }

  /** The events a workflow task's commands write (what follows the worker's decision). */
  private static boolean isCommand(EventType type) {
    return switch (type) {
      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EVENT_TYPE_TIMER_STARTED,
          EVENT_TYPE_MARKER_RECORDED,
          EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
          EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
          EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
          EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
          true;
      default -> false;
    };
  }

  private static double ms(Timestamp from, Timestamp to) {
    return (to.getSeconds() - from.getSeconds()) * 1000.0 + (to.getNanos() - from.getNanos()) / 1e6;
  }
}
