package dev.forgepreview.worker;

import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.activities.SettingsActivities;
import java.util.List;
import java.util.function.Supplier;

/**
 * Answers from the repositories file as it is now ({@code RepositoriesFile} reloads it when it is
 * edited), so a new preview or a redeploy gets the current settings. The answers carry the keys of
 * {@code environment:} but not its values: those are read by the activity that writes the file.
 */
public final class SettingsActivitiesImpl implements SettingsActivities {
  private final Supplier<RepositorySettings> repositories;

  public SettingsActivitiesImpl(Supplier<RepositorySettings> repositories) {
    this.repositories = repositories;
  }

  @Override
  public PreviewSettings settingsFor(SettingsRequest request) {
    return repositories
        .get()
        .find(request.owner(), request.repo())
        .map(PreviewSettings::withEnvironmentKeysOnly)
        .orElseThrow(
            () ->
                ActivityFailures.of(
                    FailureType.VALIDATION,
                    request.owner()
                        + "/"
                        + request.repo()
                        + " is not in the repositories file of this worker"));
  }

  @Override
  public List<PreviewSettings> allRepositorySettings() {
    return repositories.get().all().stream().map(PreviewSettings::withEnvironmentKeysOnly).toList();
  }
}
