package dev.forgepreview.worker;

import dev.forgepreview.workflows.PreviewCleanupWorkflow;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates the Temporal Schedule {@code preview-cleanup}. A server without schedules (the
 * Java test server) gets the same workflow started on the worker's own timer instead.
 */
public final class CleanupSchedule implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CleanupSchedule.class);
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final String namespace;
  private final Duration every;
  private final CleanupRequest request;
  private ScheduledExecutorService fallback;

  public CleanupSchedule(
      WorkflowServiceStubs service,
      WorkflowClient client,
      String namespace,
      Duration every,
      CleanupRequest request) {
    this.service = service;
    this.client = client;
    this.namespace = namespace;
    this.every = every;
    this.request = request;
  }

  /** Returns whether a real Temporal Schedule is in place (false: the local timer runs). */
  public boolean install() {
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            service, ScheduleClientOptions.newBuilder().setNamespace(namespace).build());
    Schedule schedule =
        Schedule.newBuilder()
            .setAction(
                ScheduleActionStartWorkflow.newBuilder()
                    .setWorkflowType(PreviewCleanupWorkflow.class)
                    .setArguments(request)
                    .setOptions(
                        WorkflowOptions.newBuilder()
                            .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                            .setTaskQueue(PreviewIds.TASK_QUEUE)
                            .setWorkflowRunTimeout(Duration.ofMinutes(30))
                            .build())
                    .build())
            .setSpec(
                ScheduleSpec.newBuilder()
                    .setIntervals(List.of(new ScheduleIntervalSpec(every)))
                    .build())
            .setPolicy(
                SchedulePolicy.newBuilder()
                    .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                    .build())
            .build();
    try {
      try {
        schedules.createSchedule(
            PreviewIds.CLEANUP_SCHEDULE_ID, schedule, ScheduleOptions.newBuilder().build());
        log.info("created the schedule {} (every {})", PreviewIds.CLEANUP_SCHEDULE_ID, every);
      } catch (ScheduleAlreadyRunningException e) {
        schedules
            .getHandle(PreviewIds.CLEANUP_SCHEDULE_ID)
            .update(input -> new ScheduleUpdate(schedule));
        log.info("updated the schedule {} (every {})", PreviewIds.CLEANUP_SCHEDULE_ID, every);
      }
      return true;
    } catch (StatusRuntimeException | ScheduleException e) {
      // The SDK wraps the server's answer in a ScheduleException.
      if (!unimplemented(e)) {
        throw e;
      }
      log.warn(
          "this Temporal server has no schedules (the Java test server?): running {} every {} on"
              + " the worker's own timer instead",
          PreviewIds.CLEANUP_WORKFLOW_TYPE,
          every);
      startFallbackTimer();
      return false;
    }
  }

  static boolean unimplemented(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return true;
      }
    }
    return false;
  }

  private void startFallbackTimer() {
    fallback =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "preview-cleanup-timer");
              thread.setDaemon(true);
              return thread;
            });
    fallback.scheduleAtFixedRate(
        this::runOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts one cleanup run now (the schedule's "trigger", for the timer and the dev tools). */
  public void runOnce() {
    try {
      PreviewCleanupWorkflow workflow =
          client.newWorkflowStub(
              PreviewCleanupWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID)
                  .setTaskQueue(PreviewIds.TASK_QUEUE)
                  .build());
      WorkflowClient.start(workflow::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      log.info("a cleanup run is still going; skipping this one");
    } catch (RuntimeException e) {
      log.warn("starting a cleanup run failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    if (fallback != null) {
      fallback.shutdownNow();
    }
  }
}
