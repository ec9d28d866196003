package dev.forgepreview.worker;

import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/** Answers from the repositories file loaded at start. */
public final class SettingsActivitiesImpl implements SettingsActivities {
  private final RepositorySettings repositories;

  public SettingsActivitiesImpl(RepositorySettings repositories) {
    this.repositories = repositories;
  }

  @Override
  public PreviewSettings settingsFor(SettingsRequest request) {
    return repositories
        .find(request.owner(), request.repo())
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    request.owner()
                        + "/"
                        + request.repo()
                        + " is not in the repositories file of this worker",
                    FailureType.VALIDATION.name()));
  }

  @Override
  public List<PreviewSettings> allRepositorySettings() {
    return List.copyOf(repositories.all());
  }
}
