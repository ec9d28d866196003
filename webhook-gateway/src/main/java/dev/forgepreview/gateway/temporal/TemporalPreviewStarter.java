package dev.forgepreview.gateway.temporal;

import dev.forgepreview.gateway.config.TemporalConfiguration;
import dev.forgepreview.gateway.metrics.GatewayMetrics;
import dev.forgepreview.gateway.webhook.PreviewServiceException;
import dev.forgepreview.gateway.webhook.PreviewStarter;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.UpdateSignal;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.OptionalLong;
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

  @Override
  public String start(PreviewRequest request, UpdateSignal update) {
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
  public boolean isRunning(String workflowId) {
    try {
      return metrics
              .temporalCall("describe", () -> client.newUntypedWorkflowStub(workflowId).describe())
              .getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (WorkflowException | StatusRuntimeException e) {
      throw unavailable("describe", workflowId, e);
    }
  }

  @Override
  public OptionalLong runningPreviews(String repositoryKey) {
    String query =
        "WorkflowType = '"
            + PreviewIds.WORKFLOW_TYPE
            + "' AND ExecutionStatus = 'Running' AND "
            + PreviewIds.REPOSITORY.getName()
            + " = '"
            + repositoryKey.replace("'", "")
            + "'";
    try {
      return OptionalLong.of(
          metrics.temporalCall("count", () -> client.countWorkflows(query)).getCount());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        LOG.debug("this Temporal server cannot count workflows; the concurrency limit is off");
        return OptionalLong.empty();
      }
      throw unavailable("count", repositoryKey, e);
    }
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
