package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewSettings;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The per-repository settings from the worker's configuration file. */
@ActivityInterface
public interface SettingsActivities {

  /** Fails with the non-retryable {@code VALIDATION} type when the repository is not configured. */
  @ActivityMethod
  PreviewSettings settingsFor(SettingsRequest request);

  /** Every configured repository's settings, for the cleanup workflow. */
  @ActivityMethod
  List<PreviewSettings> allRepositorySettings();

  record SettingsRequest(String owner, String repo) {}
}
