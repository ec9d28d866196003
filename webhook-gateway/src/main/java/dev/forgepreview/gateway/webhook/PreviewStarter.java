package dev.forgepreview.gateway.webhook;

import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.UpdateSignal;

/**
 * The gateway's only way to Temporal. Implementations throw {@link PreviewServiceException} when
 * the workflow service cannot be reached.
 */
public interface PreviewStarter {

  /**
   * Starts the preview's workflow, or signals the one already running: signal-with-start with
   * {@code update}, so a redelivered webhook never starts a second run.
   *
   * @return whether a run was started, or which kind of run the signal reached
   */
  StartOutcome start(PreviewRequest request, UpdateSignal update);

  /**
   * Sends {@code update} to the running workflow.
   *
   * @return false when no workflow with this id is running
   */
  boolean update(String workflowId, UpdateSignal update);

  /**
   * Sends {@code destroy} to the running workflow; never starts one.
   *
   * @return false when no workflow with this id is running
   */
  boolean destroy(String workflowId, DestroySignal destroy);

  /** Whether the workflow service answers within its health timeout. */
  boolean isReachable();
}
