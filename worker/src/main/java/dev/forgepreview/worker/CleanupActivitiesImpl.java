package dev.forgepreview.worker;

import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.activities.CleanupActivities;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporal's visibility and signals, for the cleanup workflow. Needs a server with visibility. */
public final class CleanupActivitiesImpl implements CleanupActivities {
  private static final Logger log = LoggerFactory.getLogger(CleanupActivitiesImpl.class);
  private static final String OPEN_PREVIEWS =
      "WorkflowType = '" + PreviewIds.WORKFLOW_TYPE + "' AND ExecutionStatus = 'Running'";
  private final WorkflowClient client;

  public CleanupActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<OpenPreview> listOpenPreviews() {
    List<OpenPreview> open = new ArrayList<>();
    com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response = list(page);
      for (WorkflowExecutionInfo info : response.getExecutionsList()) {
        String id = info.getExecution().getWorkflowId();
        open.add(describe(id));
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return open;
  }

  /**
   * One page of running previews. A server without visibility fails the cleanup run instead of
   * answering "none": an empty list would make every live preview's resources look orphaned.
   */
  private ListWorkflowExecutionsResponse list(com.google.protobuf.ByteString page) {
    try {
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setQuery(OPEN_PREVIEWS)
                  .setPageSize(500)
                  .setNextPageToken(page)
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw ActivityFailures.of(
            FailureType.FAILED,
            "this Temporal server cannot list workflows (no visibility): the cleanup cannot tell"
                + " live previews from orphans, so it does nothing");
      }
      throw e;
    }
  }

  private OpenPreview describe(String workflowId) {
    try {
      PreviewStatus status =
          client
              .newUntypedWorkflowStub(workflowId)
              .query(PreviewIds.QUERY_STATUS, PreviewStatus.class);
      return new OpenPreview(workflowId, status.phase().name(), status.expiresAt(), status.names());
    } catch (WorkflowException | StatusRuntimeException e) {
      // A preview that cannot answer is still open: it is never an orphan, only not expirable now.
      log.warn("status query of {} failed: {}", workflowId, e.getClass().getSimpleName());
      return new OpenPreview(workflowId, "PROVISIONING", null);
    }
  }

  @Override
  public boolean isPreviewRunning(PreviewRunningRequest request) {
    try {
      return client.newUntypedWorkflowStub(request.workflowId()).describe().getStatus()
          == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Override
  public void expirePreview(ExpirePreviewRequest request) {
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(request.workflowId());
      stub.signal(
          PreviewIds.SIGNAL_DESTROY, new DestroySignal(request.reason(), "preview-cleanup"));
      log.info("cleanup: sent destroy to {} ({})", request.workflowId(), request.reason());
    } catch (WorkflowNotFoundException e) {
      log.info("cleanup: {} already closed", request.workflowId());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
