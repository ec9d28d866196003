package dev.forgepreview.cli;

import dev.forgepreview.activities.github.AppCredentials;
import dev.forgepreview.activities.github.GitHubClient;
import dev.forgepreview.activities.github.GitHubCredentials;
import dev.forgepreview.activities.github.GitHubException;
import dev.forgepreview.activities.github.GitHubHttpException;

/** The worker's GitHub credentials and client, as setup and doctor use them. */
final class GitHubAccess {
  final GitHubCredentials credentials;
  final GitHubClient client;

  private GitHubAccess(GitHubCredentials credentials, GitHubClient client) {
    this.credentials = credentials;
    this.client = client;
  }

  static GitHubAccess from(CliContext context) {
    GitHubCredentials credentials =
        context
            .gitHubCredentials()
            .orElseThrow(
                () ->
                    CliException.configuration(
                        "no GitHub credentials: set GITHUB_TOKEN (or GITHUB_TOKEN_FILE), or"
                            + " GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY(_FILE)"));
    return new GitHubAccess(credentials, new GitHubClient(context.gitHubConfig(), credentials));
  }

  boolean isApp() {
    return credentials instanceof AppCredentials;
  }

  String jwt() {
    try {
      return ((AppCredentials) credentials).jwt();
    } catch (GitHubException e) {
      throw CliException.configuration(e.getMessage());
    }
  }

  /** One line for a failed GitHub call, with what usually causes that status. */
  static String explain(Exception e) {
    if (e instanceof GitHubHttpException http) {
      String hint =
          switch (http.status()) {
            case 401 -> " (the token or App key is not accepted)";
            case 403 ->
                " (the credentials lack the permission: a classic token needs the repo scope)";
            case 404 ->
                e.getMessage().contains("/repos/")
                    ? " (the repository does not exist, or the credentials cannot administer it:"
                        + " webhooks need admin rights)"
                    : "";
            default -> "";
          };
      return e.getMessage() + hint;
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
