package dev.forgepreview.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** HTTP(S) connectivity of the preview URL. */
@ActivityInterface
public interface HealthActivities {

  /**
   * One GET of the URL; fails with the {@code NOT_READY} type unless the answer is below 500. When
   * the repository ({@code owner/repo}) puts basic auth in front of its previews, the GET sends the
   * preview's credentials (looked up inside the activity) and a 401 counts as a failure.
   */
  @ActivityMethod
  int checkConnectivity(ConnectivityRequest request);

  /**
   * {@code repository} and {@code previewId} are null in requests recorded before basic auth: the
   * GET goes without credentials.
   */
  record ConnectivityRequest(String requestId, String url, String repository, String previewId) {
    public ConnectivityRequest(String requestId, String url) {
      this(requestId, url, null, null);
    }
  }
}
