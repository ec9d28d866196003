package dev.forgepreview.activities.github;

import java.io.IOException;
import java.util.Objects;

/** A personal access token or any other fixed token, sent as {@code Bearer}. */
public final class TokenCredentials implements GitHubCredentials {
  private final String authorization;

  public TokenCredentials(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("the GitHub token is empty or has invalid characters");
    }
    this.authorization = "Bearer " + token;
  }

  @Override
  public String authorization(GitHubClient client, String owner, String repo) {
    return authorization;
  }

  @Override
  public String botLogin(GitHubClient client) throws IOException, GitHubException {
    return client.authenticatedLogin(authorization);
  }

  @Override
  public String toString() {
    return "TokenCredentials[token=***]";
  }
}
