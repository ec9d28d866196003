package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionInput;
import dev.forgepreview.workflows.activities.AdmissionActivities;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;

/**
 * The admission activities: they talk only to Temporal, through its client, which is why they live
 * beside the workflows (the worker registers them, and the workflow tests run the real coordinator
 * with them). Signals to admission coordinators, each a signal-with-start so the first preview that
 * asks starts its coordinator, and the coordinators' question whether their holders still run.
 */
public final class AdmissionActivitiesImpl implements AdmissionActivities {
  private final WorkflowClient client;

  public AdmissionActivitiesImpl(WorkflowClient client) {
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
        // Gone from Temporal (retention ended): not running, its slot is freed.
      }
    }
    return running;
  }

  private void signal(String coordinatorId, String signal, Object argument) {
    WorkflowStub coordinator =
        client.newUntypedWorkflowStub(
            PreviewIds.ADMISSION_WORKFLOW_TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(coordinatorId)
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build());
    coordinator.signalWithStart(
        signal, new Object[] {argument}, new Object[] {AdmissionInput.defaults()});
  }
}
