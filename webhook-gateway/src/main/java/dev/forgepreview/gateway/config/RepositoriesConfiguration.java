package dev.forgepreview.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The per-repository YAML file ({@code FORGE_PREVIEW_REPOSITORIES_FILE}) shared with the worker;
 * the gateway reads only the repository names and their {@code trigger}.
 */
@ConfigurationProperties(RepositoriesConfiguration.PREFIX)
public record RepositoriesConfiguration(@Nullable String file) {

  public static final String PREFIX = "forge-preview.repositories";
}
