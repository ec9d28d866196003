package dev.forgepreview.gateway.config;

import dev.forgepreview.settings.RepositoriesFile;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;

/**
 * The repositories file ({@code FORGE_PREVIEW_REPOSITORIES_FILE}) shared with the worker and read
 * by the same loader, and how often it is checked for edits ({@code
 * FORGE_PREVIEW_REPOSITORIES_RELOAD_INTERVAL}, the worker's default when unset; zero: never).
 */
@ConfigurationProperties(RepositoriesConfiguration.PREFIX)
public record RepositoriesConfiguration(@Nullable String file, @Nullable Duration reloadInterval) {

  public static final String PREFIX = "forge-preview.repositories";

  public Duration reloadIntervalOrDefault() {
    return reloadInterval == null ? RepositoriesFile.DEFAULT_RELOAD_INTERVAL : reloadInterval;
  }
}
