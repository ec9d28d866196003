package dev.forgepreview.activities.secrets;

import dev.forgepreview.workflows.PreviewSettings.BasicAuth;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The basic auth credentials of one preview, worked out where they are used (the Forge security
 * rule, the connectivity check, the operators' CLI) and never carried through the workflow: the
 * user comes from the repository's {@code basicAuth} in the current settings, the password from the
 * worker's environment ({@code ${env:NAME}}) or, when none is configured, derived from the preview
 * id with {@link PreviewSecrets#basicAuthPassword}.
 */
public final class BasicAuthCredentials {
  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private final PreviewSecrets secrets;
  private final Function<String, String> environment;
  private final Function<String, Optional<BasicAuth>> configured;

  /**
   * @param environment resolves {@code ${env:NAME}}; returns null for an unset variable
   * @param configured the {@code basicAuth} of {@code owner/repo} in the current settings (empty:
   *     none); null when the repository is not configured
   */
  public BasicAuthCredentials(
      PreviewSecrets secrets,
      Function<String, String> environment,
      Function<String, Optional<BasicAuth>> configured) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.configured = Objects.requireNonNull(configured, "configured");
  }

  /** A user and a password; {@link #toString()} masks the password. */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=***]";
    }
  }

  /** Why a preview's credentials cannot be worked out; the message names no secret. */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message) {
      super(message);
    }
  }

  /**
   * The credentials of {@code previewId}, a preview of {@code repository}; empty when the
   * repository puts no basic auth in front of its previews.
   *
   * @throws UnavailableException when the repository is not configured any more, or its password
   *     names an environment variable that is not set
   */
  public Optional<Credentials> of(String repository, String previewId) {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(previewId, "previewId");
    Optional<BasicAuth> auth = configured.apply(repository);
    if (auth == null) {
      throw new UnavailableException(repository + " is not in the repositories file");
    }
    if (auth.isEmpty()) {
      return Optional.empty();
    }
    BasicAuth basicAuth = auth.get();
    if (basicAuth.generated()) {
      return Optional.of(
          new Credentials(basicAuth.username(), secrets.basicAuthPassword(previewId)));
    }
    Matcher reference = ENV_REFERENCE.matcher(basicAuth.password());
    if (!reference.matches()) {
      throw new UnavailableException(
          repository + ": basicAuth.password must be ${env:NAME} or left out");
    }
    String value = environment.apply(reference.group(1));
    if (value == null || value.isEmpty()) {
      throw new UnavailableException(
          repository
              + ": basicAuth.password refers to the environment variable "
              + reference.group(1)
              + ", which is not set");
    }
    return Optional.of(new Credentials(basicAuth.username(), value));
  }
}
