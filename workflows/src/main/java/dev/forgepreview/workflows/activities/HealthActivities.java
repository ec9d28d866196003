package dev.forgepreview.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** HTTP(S) connectivity of the preview URL. */
@ActivityInterface
public interface HealthActivities {

  /** One GET of the URL; fails with the {@code NOT_READY} type unless the answer is below 500. */
  @ActivityMethod
  int checkConnectivity(ConnectivityRequest request);

  record ConnectivityRequest(String requestId, String url) {}
}
