package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewSettings;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The per-repository settings from the worker's configuration file. */
@ActivityInterface
public interface SettingsActivities {

  /** Fails with the non-retryable {@code VALIDATION} type when the repository is not configured. */
  @ActivityMethod
  PreviewSettings settingsFor(SettingsRequest request);

  record SettingsRequest(String owner, String repo) {}
}
