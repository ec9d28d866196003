package dev.forgepreview.gateway.temporal;

import dev.forgepreview.gateway.config.TemporalConfiguration;
import dev.forgepreview.gateway.metrics.GatewayMetrics;
import dev.forgepreview.gateway.webhook.PreviewServiceException;
import dev.forgepreview.gateway.webhook.PreviewStarter;
import dev.forgepreview.gateway.webhook.StartOutcome;
import dev.forgepreview.gateway.webhook.StartOutcome.Kind;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.UpdateSignal;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PreviewStarter} on a Temporal {@link WorkflowClient}. */
@Singleton
public class TemporalPreviewStarter implements PreviewStarter {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalPreviewStarter.class);

  private final WorkflowClient client;
  private final Duration healthTimeout;
  private final GatewayMetrics metrics;

  public TemporalPreviewStarter(
      WorkflowClient client, TemporalConfiguration config, GatewayMetrics metrics) {
    this.client = client;
    this.healthTimeout = config.healthTimeout();
    this.metrics = metrics;
  }

  /**
   * Signal-with-start, then what it did. The run that was running before is compared with the run
   * that got the signal: a different one was started. Otherwise the signal reached a run that was
   * there, live or ending (its {@code PreviewPhase}); a run that continued-as-new meanwhile is
   * starting the fresh preview; one that closed without doing so has not seen the start, which is
   * then sent again and starts a run.
   */
  @Override
  public StartOutcome start(PreviewRequest request, UpdateSignal update) {
    String workflowId = request.workflowId();
    Run before = latestRun(workflowId);
    String runId = signalWithStart(request, update);
    if (before == null || !before.running() || !before.runId().equals(runId)) {
      return StartOutcome.started();
    }
    Run after = latestRun(workflowId);
    if (after != null && !after.runId().equals(runId)) {
      return new StartOutcome(Kind.REACHED_ENDING_RUN, after.phase());
    }
    if (after != null && after.running()) {
      boolean ending = after.phase() != null && ENDING.contains(after.phase());
      return new StartOutcome(
          ending ? Kind.REACHED_ENDING_RUN : Kind.REACHED_LIVE_RUN, after.phase());
    }
    // It closed right after the signal, without continuing into a fresh preview.
    String again = signalWithStart(request, update);
    return again.equals(runId)
        ? new StartOutcome(Kind.REACHED_ENDING_RUN, before.phase())
        : StartOutcome.started();
  }

  /** Phases of a run that will not serve a start itself. */
  private static final Set<String> ENDING =
      Set.of(
          Phase.DESTROYING.name(),
          Phase.DESTROYED.name(),
          Phase.FAILED.name(),
          Phase.TEARDOWN_FAILED.name());

  private record Run(String runId, boolean running, String phase) {}

  /** The newest run of the id, or null when there is none. */
  private Run latestRun(String workflowId) {
    try {
      WorkflowExecutionDescription description =
          client.newUntypedWorkflowStub(workflowId).describe();
      return new Run(
          description.getExecution().getRunId(),
          description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
          description.getTypedSearchAttributes().get(PreviewIds.PHASE));
    } catch (WorkflowNotFoundException e) {
      return null;
    } catch (WorkflowException | StatusRuntimeException e) {
      throw unavailable("describe", workflowId, e);
    }
  }

  private String signalWithStart(PreviewRequest request, UpdateSignal update) {
    PreviewEnvironmentWorkflow workflow =
        client.newWorkflowStub(PreviewEnvironmentWorkflow.class, startOptions(request, update));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(workflow::run, request);
    batch.add(workflow::update, update);
    try {
      WorkflowExecution execution =
          metrics.temporalCall("signal-with-start", () -> client.signalWithStart(batch));
      return execution.getRunId();
    } catch (WorkflowException | StatusRuntimeException e) {
      throw unavailable("signal-with-start", request.workflowId(), e);
    }
  }

  /** Id, task queue, search attributes and the Web UI's summary of a preview's workflow. */
  public static WorkflowOptions startOptions(PreviewRequest request, UpdateSignal update) {
    String repository = PreviewIds.repositoryKey(request.owner(), request.repo());
    return WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId())
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        // A closed preview's id is reused by the next run when the PR is reopened.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(PreviewIds.REPOSITORY, repository)
                .set(PreviewIds.PULL_REQUEST, (long) request.number())
                .set(PreviewIds.PHASE, Phase.PROVISIONING.name())
                .build())
        .setStaticSummary(summary(request))
        .setStaticDetails(details(request, update))
        .build();
  }

  @Override
  public boolean update(String workflowId, UpdateSignal update) {
    return signal(workflowId, PreviewIds.SIGNAL_UPDATE, update);
  }

  @Override
  public boolean destroy(String workflowId, DestroySignal destroy) {
    return signal(workflowId, PreviewIds.SIGNAL_DESTROY, destroy);
  }

  @Override
  public boolean isReachable() {
    try {
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(healthTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return true;
    } catch (StatusRuntimeException e) {
      LOG.warn("Temporal is not reachable: {}", e.getStatus().getCode());
      return false;
    }
  }

  private boolean signal(String workflowId, String signal, Object argument) {
    try {
      // No run id: the signal goes to the running execution, never to a closed one.
      metrics.temporalCall(
          "signal",
          () -> {
            client.newUntypedWorkflowStub(workflowId).signal(signal, argument);
            return true;
          });
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (WorkflowException | StatusRuntimeException e) {
      throw unavailable(signal, workflowId, e);
    }
  }

  private static PreviewServiceException unavailable(
      String call, String workflowId, RuntimeException e) {
    LOG.error("Temporal {} of {} failed", call, workflowId, e);
    return new PreviewServiceException("Temporal " + call + " failed", e);
  }

  private static String summary(PreviewRequest request) {
    String summary =
        "Preview of " + request.owner() + "/" + request.repo() + "#" + request.number();
    return request.branch() == null ? summary : summary + " (" + request.branch() + ")";
  }

  private static String details(PreviewRequest request, UpdateSignal update) {
    return "Pull request https://github.com/"
        + request.owner()
        + "/"
        + request.repo()
        + "/pull/"
        + request.number()
        + "\n\nRequested by "
        + (request.requestedBy() == null ? "unknown" : "@" + request.requestedBy())
        + ", head "
        + (update.headSha() == null ? "(looked up by the workflow)" : update.headSha())
        + ", GitHub delivery "
        + update.deliveryId();
  }
}
