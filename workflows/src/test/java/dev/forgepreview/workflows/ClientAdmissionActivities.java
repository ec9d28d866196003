package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionInput;
import dev.forgepreview.workflows.activities.AdmissionActivities;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The admission activities over the test environment's client, as the worker's implementation does
 * them (that one is tested against a Temporal server in the worker module): workflow tests here run
 * the real coordinator.
 */
final class ClientAdmissionActivities implements AdmissionActivities {
  private final WorkflowClient client;

  ClientAdmissionActivities(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void requestSlot(SlotRequest request) {
    signal(request.coordinatorId(), PreviewIds.SIGNAL_REQUEST, request);
  }

  @Override
  public void releaseSlot(SlotRelease release) {
    signal(release.coordinatorId(), PreviewIds.SIGNAL_RELEASE, release);
  }

  @Override
  public void reportOutcome(SlotRelease outcome) {
    signal(outcome.coordinatorId(), PreviewIds.SIGNAL_REPORT, outcome);
  }

  @Override
  public List<String> runningPreviews(RunningPreviewsRequest request) {
    List<String> running = new ArrayList<>();
    for (String id : request.previewIds()) {
      try {
        if (client.newUntypedWorkflowStub(id).describe().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          running.add(id);
        }
      } catch (WorkflowNotFoundException e) {
        // gone: not running
      }
    }
    return running;
  }

  private void signal(String coordinatorId, String signal, Object argument) {
    client
        .newUntypedWorkflowStub(
            PreviewIds.ADMISSION_WORKFLOW_TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(coordinatorId)
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build())
        .signalWithStart(signal, new Object[] {argument}, new Object[] {AdmissionInput.defaults()});
  }
}
