package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * What previews and admission coordinators ask of Temporal itself. The signals to a coordinator go
 * through signal-with-start, so the first preview that asks starts it and a coordinator an operator
 * terminated comes back on the next message.
 */
@ActivityInterface
public interface AdmissionActivities {

  /** Signal {@code request} to the coordinator, starting it when it is not running. */
  @ActivityMethod
  void requestSlot(SlotRequest request);

  /** Signal {@code release}: out of the queue, or the slot freed after the teardown. */
  @ActivityMethod
  void releaseSlot(SlotRelease release);

  /** Signal {@code report}: how the provisioning ended, for the circuit breaker. */
  @ActivityMethod
  void reportOutcome(SlotRelease outcome);

  /** Of {@code previewIds}, those whose workflow is still running. */
  @ActivityMethod
  List<String> runningPreviews(RunningPreviewsRequest request);

  record RunningPreviewsRequest(List<String> previewIds) {}
}
