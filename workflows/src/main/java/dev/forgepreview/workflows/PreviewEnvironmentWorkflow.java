package dev.forgepreview.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One long-lived workflow per pull request, id {@link PreviewIds#workflowId}. It provisions the
 * preview as a saga, keeps it until {@code destroy} or its TTL, then tears it down.
 */
@WorkflowInterface
public interface PreviewEnvironmentWorkflow {

  @WorkflowMethod(name = PreviewIds.WORKFLOW_TYPE)
  PreviewStatus run(PreviewRequest request);

  /** Redeploy the newest commit. Sent by signal-with-start for every start, too. */
  @SignalMethod(name = PreviewIds.SIGNAL_UPDATE)
  void update(UpdateSignal signal);

  /** Tear the preview down. The argument may be null (a CLI signal with no input). */
  @SignalMethod(name = PreviewIds.SIGNAL_DESTROY)
  void destroy(DestroySignal signal);

  /** Push the expiry out. */
  @SignalMethod(name = PreviewIds.SIGNAL_EXTEND)
  void extend(ExtendSignal signal);

  /** From the admission coordinator: the slot is granted (with the pools' integers). */
  @SignalMethod(name = PreviewIds.SIGNAL_ADMITTED)
  void admitted(Admission.SlotGrant grant);

  /** From the admission coordinator: the preview's place in the queue. */
  @SignalMethod(name = PreviewIds.SIGNAL_QUEUED)
  void queued(Admission.QueueNotice notice);

  @QueryMethod(name = PreviewIds.QUERY_STATUS)
  PreviewStatus status();
}
