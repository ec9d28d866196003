package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewSettings.NotificationFormat;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The repository's outgoing notification (a Slack incoming webhook or any URL taking JSON). The URL
 * is not in the request: the worker reads it from the repositories file by {@code repository} (it
 * may be a secret), so it never enters the workflow's history.
 */
@ActivityInterface
public interface NotificationActivities {

  /**
   * One POST of the notification. A 5xx, 408, 429 or a dropped connection is retried by the
   * activity's policy; any other 4xx, or no URL configured, fails for good.
   */
  @ActivityMethod
  void notifyPreview(PreviewNotification notification);

  /**
   * What happened to which preview. {@code event} is the phase reached, lower-cased ({@code ready},
   * {@code failed}, {@code teardown_failed}, {@code destroyed}); {@code at} is when, as an ISO-8601
   * instant; {@code failedStep} and {@code failure} are set for {@code failed}; {@code leftBehind}
   * names what a failed teardown could not delete.
   */
  record PreviewNotification(
      String repository,
      int pullRequest,
      String previewId,
      String event,
      Phase phase,
      String previewUrl,
      String sha,
      String branch,
      String failedStep,
      String failure,
      List<String> leftBehind,
      String at,
      NotificationFormat format) {}
}
