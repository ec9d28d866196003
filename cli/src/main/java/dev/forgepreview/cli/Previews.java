package dev.forgepreview.cli;

import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewCleanupWorkflow;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.TemporalFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/** The previews as Temporal holds them: listed from visibility, queried, signalled. */
final class Previews {
  private final CliContext context;

  Previews(CliContext context) {
    this.context = context;
  }

  /**
   * One open preview, as {@code list} prints it; {@code queuePosition} is null unless the preview
   * waits in a queue.
   */
  record Listed(
      String workflowId,
      String repository,
      Long pullRequest,
      String phase,
      Long queuePosition,
      String url,
      String startedAt,
      String age,
      String expiresAt,
      String expiresIn,
      boolean answered) {}

  /**
   * Open previews from visibility, optionally of one repository and one phase (a final phase lists
   * the runs that ended so). URL and expiry come from each preview's {@code status} query (blank
   * when no worker answers).
   */
  List<Listed> list(String repository, Phase phase) {
    StringBuilder query =
        new StringBuilder("WorkflowType = '").append(PreviewIds.WORKFLOW_TYPE).append('\'');
    if (phase == null || !phase.isFinal()) {
      // A preview that ended (FAILED, DESTROYED) is a closed run: asked for by phase, it is listed.
      query.append(" AND ExecutionStatus = 'Running'");
    }
    if (repository != null) {
      // Validated as owner/name (no quotes) by CliContext.repository.
      query
          .append(" AND ")
          .append(PreviewIds.REPOSITORY.getName())
          .append(" = '")
          .append(repository.toLowerCase(Locale.ROOT))
          .append('\'');
    }
    if (phase != null) {
      query
          .append(" AND ")
          .append(PreviewIds.PHASE.getName())
          .append(" = '")
          .append(phase)
          .append('\'');
    }
    List<WorkflowExecutionMetadata> found;
    try (Stream<WorkflowExecutionMetadata> stream = client().listExecutions(query.toString())) {
      found = stream.toList();
    } catch (RuntimeException e) {
      throw translate(e, "list the previews");
    }
    Clock clock = context.clock;
    List<Listed> previews = new ArrayList<>();
    for (WorkflowExecutionMetadata run : found) {
      String id = run.getExecution().getWorkflowId();
      var attributes = run.getTypedSearchAttributes();
      String repo = attributes.get(PreviewIds.REPOSITORY);
      Long number = attributes.get(PreviewIds.PULL_REQUEST);
      String phaseName = attributes.get(PreviewIds.PHASE);
      Long queuePosition = attributes.get(PreviewIds.QUEUE_POSITION);
      String url = "";
      String expiresAt = "";
      String expiresIn = "";
      boolean answered = false;
      try {
        PreviewStatus status = queryStatus(id);
        if (status.phase() != null) {
          phaseName = status.phase().name();
        }
        url = status.previewUrl() == null ? "" : status.previewUrl();
        if (status.expiresAt() != null) {
          Instant expiry = Instant.parse(status.expiresAt());
          expiresAt = status.expiresAt();
          expiresIn = Output.duration(Duration.between(clock.instant(), expiry));
        }
        answered = true;
      } catch (CliException e) {
        // The listing still shows what visibility knows.
      }
      Instant started = run.getStartTime();
      previews.add(
          new Listed(
              id,
              repo,
              number,
              phaseName,
              queuePosition,
              url,
              started.toString(),
              Output.duration(Duration.between(started, clock.instant())),
              expiresAt,
              expiresIn,
              answered));
    }
    previews.sort(
        java.util.Comparator.comparing((Listed l) -> String.valueOf(l.repository()))
            .thenComparing(l -> l.pullRequest() == null ? 0L : l.pullRequest()));
    return previews;
  }

  /** The {@code status} query; not found when no preview of that id ever ran. */
  PreviewStatus queryStatus(String workflowId) {
    try {
      return client()
          .newUntypedWorkflowStub(workflowId)
          .query(PreviewIds.QUERY_STATUS, PreviewStatus.class);
    } catch (RuntimeException e) {
      throw translate(e, "query " + workflowId);
    }
  }

  /** Sends a signal to the preview's open run; not found when it has ended or never ran. */
  void signal(String workflowId, String name, Object argument) {
    WorkflowStub stub = client().newUntypedWorkflowStub(workflowId);
    try {
      stub.signal(name, argument);
    } catch (RuntimeException e) {
      throw translate(e, "signal " + name + " to " + workflowId);
    }
  }

  /** Runs the cleanup workflow now (beside the schedule's runs) and waits for its report. */
  CleanupReport cleanup(boolean dryRun, String orphanGrace, Duration timeout) {
    PreviewCleanupWorkflow workflow =
        client()
            .newWorkflowStub(
                PreviewCleanupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID + "-cli-" + UUID.randomUUID())
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .setWorkflowExecutionTimeout(timeout)
                    .build());
    try {
      return workflow.run(new CleanupRequest(dryRun, orphanGrace));
    } catch (RuntimeException e) {
      throw translate(e, "run the cleanup");
    }
  }

  private WorkflowClient client() {
    return context.client();
  }

  /** One plain sentence for what went wrong, with the exit code that says which kind. */
  CliException translate(RuntimeException e, String what) {
    if (e instanceof CliException cli) {
      return cli;
    }
    if (e instanceof WorkflowNotFoundException) {
      return CliException.notFound("cannot " + what + ": no such preview is running");
    }
    StatusRuntimeException grpc = find(e, StatusRuntimeException.class);
    if (grpc != null) {
      Status.Code code = grpc.getStatus().getCode();
      return switch (code) {
        case NOT_FOUND ->
            CliException.notFound("cannot " + what + ": not found (" + describe(grpc) + ")");
        case UNAVAILABLE ->
            CliException.unavailable(
                "cannot "
                    + what
                    + ": Temporal at "
                    + context.temporalAddress()
                    + " is unreachable");
        case UNIMPLEMENTED, INVALID_ARGUMENT ->
            CliException.unavailable(
                "cannot "
                    + what
                    + ": this Temporal server cannot answer it ("
                    + describe(grpc)
                    + "; the Java test server has no visibility: use temporal server start-dev or a"
                    + " full server)");
        case DEADLINE_EXCEEDED ->
            CliException.unavailable(
                "cannot " + what + ": no answer in time (is a worker running?)");
        default -> CliException.unavailable("cannot " + what + ": " + describe(grpc));
      };
    }
    if (e instanceof WorkflowException || e instanceof WorkflowServiceException) {
      return CliException.unavailable("cannot " + what + ": " + innermost(e));
    }
    return CliException.unavailable("cannot " + what + ": " + innermost(e));
  }

  private static String describe(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return e.getStatus().getCode() + (description == null ? "" : ": " + description);
  }

  /** The deepest cause's message: for a failed workflow, the application failure's own text. */
  static String innermost(Throwable e) {
    Throwable deepest = e;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    if (deepest instanceof TemporalFailure failure && failure.getOriginalMessage() != null) {
      return failure.getOriginalMessage();
    }
    return deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
