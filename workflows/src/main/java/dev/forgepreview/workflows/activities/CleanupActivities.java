package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewResourceNames;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** What the cleanup workflow asks of Temporal itself (visibility and signals). */
@ActivityInterface
public interface CleanupActivities {

  /** Every running {@code PreviewEnvironmentWorkflow}, with its expiry from the status query. */
  @ActivityMethod
  List<OpenPreview> listOpenPreviews();

  /** Signals {@code destroy} to a preview past its TTL. */
  @ActivityMethod
  void expirePreview(ExpirePreviewRequest request);

  /** Asked again right before an orphan is deleted: a preview may have started since the list. */
  @ActivityMethod
  boolean isPreviewRunning(PreviewRunningRequest request);

  record PreviewRunningRequest(String workflowId) {}

  /**
   * {@code expiresAt}: ISO-8601 instant, or null when the preview could not tell. {@code names}:
   * the names the preview carries (null when it could not tell, or ran before names were carried).
   */
  record OpenPreview(
      String workflowId, String phase, String expiresAt, PreviewResourceNames names) {
    public OpenPreview(String workflowId, String phase, String expiresAt) {
      this(workflowId, phase, expiresAt, null);
    }
  }

  record ExpirePreviewRequest(String workflowId, String reason) {}
}
