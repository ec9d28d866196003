package dev.forgepreview.activities.github;

import java.time.Duration;

/**
 * A non-2xx answer: the status, GitHub's own short message, and when a rate limit applies, how long
 * GitHub asked us to wait ({@code Retry-After}, or until {@code X-RateLimit-Reset}).
 */
public final class GitHubHttpException extends GitHubException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean rateLimited;
  private final Duration retryAfter;

  public GitHubHttpException(String message, int status, boolean rateLimited, Duration retryAfter) {
    super(message);
    this.status = status;
    this.rateLimited = rateLimited;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** A primary or secondary rate limit (429, or 403 with rate-limit headers). */
  public boolean rateLimited() {
    return rateLimited;
  }

  /** How long to wait before the next try, or null when GitHub did not say. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
