package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a compose preview has on its host, in the {@code status} query beside the Forge ids (which
 * stay empty for a compose preview, as this stays null for a Forge one).
 *
 * @param project the compose project, also the name of its nginx file
 * @param port the app's port on the host
 * @param composeFile the compose file in use, or null before step 3
 * @param composeSource {@code repository}, {@code generated} (for the repository's Dockerfile) or
 *     {@code generated:node}, {@code generated:nestjs}, {@code generated:go} (a template)
 * @param repository the repository cloned ({@code owner/repo}, the fork's for a fork's pull
 *     request), which every update fetches again
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComposeResources(
    String host,
    String project,
    int port,
    String workDirectory,
    String composeFile,
    String composeSource,
    String repository) {

  public ComposeResources withComposeFile(String file, String source) {
    return new ComposeResources(host, project, port, workDirectory, file, source, repository);
  }
}
