package dev.forgepreview.activities.github;

import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;

/**
 * Which {@link FailureType} each GitHub client exception is; retryability and retry delay are
 * decided by {@link ActivityFailures}. The messages are the exceptions' own (call, status, GitHub's
 * short message), never a cause chain that could carry a body or a token.
 */
final class GitHubFailures {
  private GitHubFailures() {}

  static ApplicationFailure from(GitHubHttpException e) {
    return ActivityFailures.of(typeOf(e), e.getMessage(), e.retryAfter(), null);
  }

  static FailureType typeOf(GitHubHttpException e) {
    int status = e.status();
    if (e.rateLimited()) {
      return FailureType.RATE_LIMITED;
    }
    if (status >= 500 || status == 408) {
      return FailureType.TRANSIENT;
    }
    return switch (status) {
      case 401, 403 -> FailureType.AUTHENTICATION;
      case 404 -> FailureType.NOT_FOUND;
      default -> FailureType.VALIDATION;
    };
  }

  static ApplicationFailure from(GitHubBadResponseException e) {
    return ActivityFailures.of(FailureType.BAD_RESPONSE, e.getMessage());
  }

  /** Credentials that cannot sign or could not be written: retrying cannot help. */
  static ApplicationFailure from(GitHubException e) {
    if (e instanceof GitHubHttpException http) {
      return from(http);
    }
    if (e instanceof GitHubBadResponseException bad) {
      return from(bad);
    }
    return ActivityFailures.of(FailureType.AUTHENTICATION, e.getMessage());
  }

  static ApplicationFailure from(IOException e) {
    return ActivityFailures.of(
        FailureType.TRANSIENT, "GitHub could not be reached: " + e.getClass().getSimpleName());
  }

  static ApplicationFailure invalidInput(String message) {
    return ActivityFailures.of(FailureType.INVALID_INPUT, message);
  }
}
