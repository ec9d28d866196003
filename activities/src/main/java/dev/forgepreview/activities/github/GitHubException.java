package dev.forgepreview.activities.github;

/**
 * GitHub gave no usable answer. Messages name the call and the status, never a token or a body we
 * could not read. Transport failures stay {@link java.io.IOException}.
 */
public class GitHubException extends Exception {
  private static final long serialVersionUID = 1L;

  public GitHubException(String message) {
    super(message);
  }
}
