package dev.forgepreview.activities.forge;

import java.time.Duration;

/** 429: the token's request budget is spent; {@link #retryAfter()} is how long to wait. */
public final class ForgeRateLimitedException extends ForgeException {
  private final Duration retryAfter;

  ForgeRateLimitedException(String method, String pathTemplate, int status, Duration retryAfter) {
    super(method, pathTemplate, status, "rate limited, retry after " + retryAfter, null);
    this.retryAfter = retryAfter;
  }

  /** At least one second. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
