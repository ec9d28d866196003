package dev.forgepreview.activities.github;

/** A 2xx answer we could not read (not JSON, or a required field missing). */
public final class GitHubBadResponseException extends GitHubException {
  private static final long serialVersionUID = 1L;

  public GitHubBadResponseException(String message) {
    super(message);
  }
}
