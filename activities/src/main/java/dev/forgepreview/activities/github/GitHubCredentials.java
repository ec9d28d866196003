package dev.forgepreview.activities.github;

import dev.forgepreview.settings.SecretFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * How the client authenticates: a fixed token, or a GitHub App exchanging its JWT for installation
 * tokens. Implementations are thread-safe and never expose the secret in {@code toString()}.
 */
public interface GitHubCredentials {

  String ENV_TOKEN = "GITHUB_TOKEN";
  String ENV_TOKEN_FILE = "GITHUB_TOKEN_FILE";
  String ENV_APP_ID = "GITHUB_APP_ID";
  String ENV_APP_PRIVATE_KEY = "GITHUB_APP_PRIVATE_KEY";
  String ENV_APP_PRIVATE_KEY_FILE = "GITHUB_APP_PRIVATE_KEY_FILE";
  String ENV_APP_INSTALLATION_ID = "GITHUB_APP_INSTALLATION_ID";

  /**
   * The {@code Authorization} header value for a call about {@code owner/repo}. App credentials may
   * call {@code client} (with the App's JWT) to look up the installation or mint a token.
   */
  String authorization(GitHubClient client, String owner, String repo)
      throws IOException, GitHubException;

  /**
   * The login our comments are written under: the token's own user ({@code GET /user}), or a GitHub
   * App's bot user {@code <app-slug>[bot]} ({@code GET /app}). Only comments by this login are ever
   * taken for the preview's comment.
   */
  String botLogin(GitHubClient client) throws IOException, GitHubException;

  /** GitHub answered 401 to a call made with {@code authorization}: forget it if cached. */
  default void rejected(String authorization) {}

  /**
   * Credentials from the environment: a GitHub App when {@code GITHUB_APP_ID} is set (key from
   * {@code GITHUB_APP_PRIVATE_KEY_FILE} or {@code GITHUB_APP_PRIVATE_KEY}, installation from {@code
   * GITHUB_APP_INSTALLATION_ID} or looked up per repository), else a token from {@code
   * GITHUB_TOKEN_FILE} or {@code GITHUB_TOKEN}; empty when none is configured (dev mode).
   */
  static Optional<GitHubCredentials> fromEnvironment(Map<String, String> env, Clock clock) {
    String appId = trimmed(env.get(ENV_APP_ID));
    if (appId != null) {
      String pem = secret(env, ENV_APP_PRIVATE_KEY, ENV_APP_PRIVATE_KEY_FILE);
      if (pem == null) {
        throw new IllegalArgumentException(
            ENV_APP_ID
                + " is set but neither "
                + ENV_APP_PRIVATE_KEY_FILE
                + " nor "
                + ENV_APP_PRIVATE_KEY
                + " is");
      }
      String installation = trimmed(env.get(ENV_APP_INSTALLATION_ID));
      Long installationId;
      try {
        installationId = installation == null ? null : Long.valueOf(installation);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(ENV_APP_INSTALLATION_ID + " is not a number");
      }
      return Optional.of(AppCredentials.fromPem(appId, pem, installationId, clock));
    }
    String token = secret(env, ENV_TOKEN, ENV_TOKEN_FILE);
    return token == null ? Optional.empty() : Optional.of(new TokenCredentials(token));
  }

  private static String secret(Map<String, String> env, String valueKey, String fileKey) {
    String file = trimmed(env.get(fileKey));
    if (file != null) {
      // The one *_FILE rule both processes use (one trailing line break removed).
      return SecretFiles.read(Path.of(file), fileKey);
    }
    return trimmed(env.get(valueKey));
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
