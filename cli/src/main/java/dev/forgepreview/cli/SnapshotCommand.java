package dev.forgepreview.cli;

import dev.forgepreview.workflows.MasterSnapshotWorkflow;
import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotRequest;
import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotStatus;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleActionExecution;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "snapshot",
    description = {
      "Show a repository's master snapshot: its schedule (master-snapshot:{owner}:{repo}), the next"
          + " runs and what the newest run made. With --now, refresh it now (the schedule is"
          + " triggered; a Temporal server without schedules runs the same workflow directly)"
          + " and wait for the result.",
      "The same with the temporal CLI: temporal schedule trigger --schedule-id"
          + " master-snapshot:acme:shop"
    })
final class SnapshotCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;

  @Option(
      names = "--repo",
      paramLabel = "OWNER/NAME",
      description = "the repository (default: the only configured one)")
  String repo;

  @Option(names = "--now", description = "refresh the snapshot now and wait for it")
  boolean now;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "with --now: give up waiting after this long (default PT2H)")
  Duration timeout = Duration.ofHours(2);

  @Override
  public Integer call() {
    CliContext context = root.context;
    String repository = context.repository(repo);
    PreviewSettings settings =
        context
            .repositories()
            .find(repository)
            .orElseThrow(() -> CliException.notFound(repository + " is not configured"));
    if (settings.masterDatabase() == null) {
      throw CliException.configuration(
          repository + " has no masterDatabase: it has no snapshot to refresh");
    }
    String id = PreviewIds.snapshotScheduleId(repository);
    return now ? refreshNow(context, repository, id) : show(context, settings, id);
  }

  private int refreshNow(CliContext context, String repository, String id) {
    String workflowId;
    try {
      workflowId = trigger(context.schedules().getHandle(id));
      context.err.println("triggered the schedule " + id + ": waiting for " + workflowId);
    } catch (StatusRuntimeException | ScheduleException e) {
      if (!isCode(e, Status.Code.UNIMPLEMENTED) && !isCode(e, Status.Code.NOT_FOUND)) {
        throw new Previews(context).translate(e, "trigger the schedule " + id);
      }
      // No schedule (a server without schedules, or a worker that has not installed it yet).
      workflowId = id;
      int slash = repository.indexOf('/');
      MasterSnapshotWorkflow workflow =
          context
              .client()
              .newWorkflowStub(
                  MasterSnapshotWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(workflowId)
                      .setTaskQueue(PreviewIds.TASK_QUEUE)
                      .build());
      try {
        WorkflowClient.start(
            workflow::refresh,
            new SnapshotRequest(repository.substring(0, slash), repository.substring(slash + 1)));
        context.err.println("no schedule " + id + ": started the refresh " + workflowId);
      } catch (WorkflowExecutionAlreadyStarted running) {
        context.err.println("a refresh is already running: waiting for " + workflowId);
      }
    }
    WorkflowStub stub = context.client().newUntypedWorkflowStub(workflowId);
    SnapshotStatus status;
    try {
      status = stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, SnapshotStatus.class);
    } catch (TimeoutException e) {
      throw CliException.unavailable(
          "the refresh " + workflowId + " has not finished after " + timeout + "; it goes on");
    } catch (WorkflowFailedException e) {
      String why = rootMessage(e);
      if (root.output == Output.JSON) {
        context.out.println(
            Output.json(
                new SnapshotStatus(
                    repository, MasterSnapshotWorkflow.State.FAILED, null, null, why)));
      } else {
        context.out.println(
            "the refresh "
                + workflowId
                + " failed: "
                + why
                + "\npreviews keep cloning the previous snapshot");
      }
      return ExitCodes.PROBLEMS;
    } catch (RuntimeException e) {
      throw new Previews(context).translate(e, "wait for the refresh " + workflowId);
    }
    print(context, status);
    return ExitCodes.OK;
  }

  /** Triggers the schedule and returns the workflow id of the run it started (or was running). */
  private static String trigger(ScheduleHandle handle) {
    ScheduleDescription before = handle.describe();
    Set<String> known = new HashSet<>();
    before.getInfo().getRecentActions().stream()
        .map(SnapshotCommand::workflowId)
        .forEach(known::add);
    List<String> running = runningIds(before);
    handle.trigger();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      ScheduleDescription after = handle.describe();
      for (ScheduleActionResult action : after.getInfo().getRecentActions()) {
        String id = workflowId(action);
        if (id != null && !known.contains(id)) {
          return id;
        }
      }
      if (!running.isEmpty()) {
        // The overlap policy skipped the trigger: the running refresh is the one to wait for.
        return running.get(0);
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.unavailable("interrupted while waiting for the triggered run");
      }
    }
    throw CliException.unavailable(
        "the schedule " + handle.getId() + " was triggered but started no run within 30 s");
  }

  private static List<String> runningIds(ScheduleDescription description) {
    List<String> ids = new ArrayList<>();
    for (ScheduleActionExecution execution : description.getInfo().getRunningActions()) {
      if (execution instanceof ScheduleActionExecutionStartWorkflow started) {
        ids.add(started.getWorkflowId());
      }
    }
    return ids;
  }

  private static String workflowId(ScheduleActionResult action) {
    return action.getAction() instanceof ScheduleActionExecutionStartWorkflow started
        ? started.getWorkflowId()
        : null;
  }

  private int show(CliContext context, PreviewSettings settings, String id) {
    PreviewSettings.Snapshot snapshot = settings.snapshotOrDefaults();
    String newest = id;
    List<String> next = List.of();
    try {
      ScheduleDescription description = context.schedules().getHandle(id).describe();
      List<ScheduleActionResult> recent = description.getInfo().getRecentActions();
      if (!recent.isEmpty()) {
        newest = workflowId(recent.get(recent.size() - 1));
      }
      next = description.getInfo().getNextActionTimes().stream().map(Instant::toString).toList();
    } catch (StatusRuntimeException | ScheduleException e) {
      if (!isCode(e, Status.Code.UNIMPLEMENTED) && !isCode(e, Status.Code.NOT_FOUND)) {
        throw new Previews(context).translate(e, "describe the schedule " + id);
      }
      context.err.println("no schedule " + id + " on this Temporal server");
    }
    SnapshotStatus status = null;
    try {
      status = context.client().newWorkflowStub(MasterSnapshotWorkflow.class, newest).status();
    } catch (RuntimeException e) {
      // No run yet (or it cannot be queried): said below.
      context.err.println("no refresh to show (" + newest + "): " + e.getClass().getSimpleName());
    }
    if (root.output == Output.JSON) {
      context.out.println(
          Output.json(new Shown(id, snapshot.schedule(), snapshot.keep(), next, status)));
      return ExitCodes.OK;
    }
    context.out.printf("%-10s %s%n", "schedule", id);
    context.out.printf("%-10s %s%n", "when", snapshot.schedule());
    context.out.printf("%-10s %d%n", "keep", snapshot.keep());
    context.out.printf("%-10s %s%n", "next", next.isEmpty() ? "—" : String.join(", ", next));
    if (status == null) {
      context.out.printf("%-10s %s%n", "newest", "no refresh has run yet");
    } else {
      print(context, status);
    }
    return ExitCodes.OK;
  }

  record Shown(
      String schedule, String when, int keep, List<String> nextRuns, SnapshotStatus newest) {}

  private void print(CliContext context, SnapshotStatus status) {
    if (root.output == Output.JSON) {
      context.out.println(Output.json(status));
      return;
    }
    context.out.printf("%-10s %s%n", "state", status.state());
    if (status.snapshot() != null) {
      context.out.printf("%-10s %s%n", "snapshot", status.snapshot().snapshot());
      context.out.printf("%-10s %s%n", "taken", status.snapshot().takenAt());
      context.out.printf("%-10s %d bytes%n", "size", status.snapshot().sizeBytes());
      context.out.printf("%-10s %s%n", "kept", String.join(", ", status.snapshot().kept()));
      context.out.printf(
          "%-10s %s%n",
          "dropped",
          status.snapshot().dropped().isEmpty()
              ? "none"
              : String.join(", ", status.snapshot().dropped()));
    }
    if (status.error() != null) {
      context.out.printf("%-10s %s%n", "error", status.error());
    }
  }

  private static String rootMessage(WorkflowFailedException e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : cause.getMessage();
  }

  private static boolean isCode(Throwable e, Status.Code code) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == code) {
        return true;
      }
    }
    return false;
  }
}
