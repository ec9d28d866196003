package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflow;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.activities.AdmissionActivities.RunningPreviewsRequest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admission activities against the Temporal test server, with the real coordinator. */
class AdmissionActivitiesImplTest {
  private static final String COORDINATOR = "admission:acme:shop";
  private TestWorkflowEnvironment env;
  private AdmissionActivitiesImpl activities;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(PreviewIds.TASK_QUEUE)
        .registerWorkflowImplementationTypes(AdmissionWorkflowImpl.class);
    env.start();
    activities = new AdmissionActivitiesImpl(env.getWorkflowClient());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void theFirstRequestStartsTheCoordinatorAndAGrantToAPreviewThatIsGoneIsTakenBack() {
    activities.requestSlot(
        new SlotRequest(COORDINATOR, "preview:acme:shop:1", "acme/shop", 3, Map.of(), 3, "PT15M"));

    assertThat(env.getWorkflowClient().newUntypedWorkflowStub(COORDINATOR).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    AdmissionWorkflow coordinator =
        env.getWorkflowClient().newWorkflowStub(AdmissionWorkflow.class, COORDINATOR);
    // No workflow preview:acme:shop:1 exists: the grant's signal fails and the slot is free again.
    awaitReleased(coordinator, 1);
    assertThat(coordinator.admission().granted()).isEqualTo(1);
    assertThat(coordinator.admission().holders()).isEmpty();

    // A release of a preview that holds nothing, and a report: harmless, and still one coordinator.
    activities.releaseSlot(new SlotRelease(COORDINATOR, "preview:acme:shop:9", null));
    activities.reportOutcome(new SlotRelease(COORDINATOR, "preview:acme:shop:9", null));
    assertThat(coordinator.admission().released()).isEqualTo(1);
  }

  @Test
  void runningPreviewsNamesOnlyTheWorkflowsThatRun() {
    activities.requestSlot(
        new SlotRequest(COORDINATOR, "preview:acme:shop:1", "acme/shop", 3, Map.of(), 3, "PT15M"));

    assertThat(
            activities.runningPreviews(
                new RunningPreviewsRequest(List.of(COORDINATOR, "preview:acme:shop:404"))))
        .containsExactly(COORDINATOR);
  }

  private void awaitReleased(AdmissionWorkflow coordinator, long released) {
    for (int i = 0; i < 100 && coordinator.admission().released() < released; i++) {
      env.sleep(java.time.Duration.ofSeconds(1));
    }
    assertThat(coordinator.admission().released()).isEqualTo(released);
  }
}
