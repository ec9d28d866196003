package dev.forgepreview.activities.github;

import dev.forgepreview.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;

/**
 * Client exceptions as {@link ApplicationFailure}s of our {@link FailureType}s. The messages are
 * the exceptions' own (call, status, GitHub's short message), never a cause chain that could carry
 * a body or a token.
 */
final class GitHubFailures {
  private GitHubFailures() {}

  static ApplicationFailure from(GitHubHttpException e) {
    int status = e.status();
    if (e.rateLimited()) {
      return retryable(FailureType.RATE_LIMITED, e.getMessage(), e);
    }
    if (status >= 500 || status == 408) {
      return retryable(FailureType.TRANSIENT, e.getMessage(), e);
    }
    FailureType type =
        switch (status) {
          case 401, 403 -> FailureType.AUTHENTICATION;
          case 404 -> FailureType.NOT_FOUND;
          default -> FailureType.VALIDATION;
        };
    return ApplicationFailure.newBuilder()
        .setType(type.name())
        .setMessage(e.getMessage())
        .setNonRetryable(true)
        .build();
  }

  static ApplicationFailure from(GitHubBadResponseException e) {
    return ApplicationFailure.newBuilder()
        .setType(FailureType.BAD_RESPONSE.name())
        .setMessage(e.getMessage())
        .build();
  }

  /** Credentials that cannot sign or could not be written: retrying cannot help. */
  static ApplicationFailure from(GitHubException e) {
    if (e instanceof GitHubHttpException http) {
      return from(http);
    }
    if (e instanceof GitHubBadResponseException bad) {
      return from(bad);
    }
    return ApplicationFailure.newBuilder()
        .setType(FailureType.AUTHENTICATION.name())
        .setMessage(e.getMessage())
        .setNonRetryable(true)
        .build();
  }

  static ApplicationFailure from(IOException e) {
    return ApplicationFailure.newBuilder()
        .setType(FailureType.TRANSIENT.name())
        .setMessage("GitHub could not be reached: " + e.getClass().getSimpleName())
        .build();
  }

  static ApplicationFailure invalidInput(String message) {
    return ApplicationFailure.newBuilder()
        .setType(FailureType.INVALID_INPUT.name())
        .setMessage(message)
        .setNonRetryable(true)
        .build();
  }

  private static ApplicationFailure retryable(
      FailureType type, String message, GitHubHttpException e) {
    ApplicationFailure.Builder failure =
        ApplicationFailure.newBuilder().setType(type.name()).setMessage(message);
    if (e.retryAfter() != null) {
      failure.setNextRetryDelay(e.retryAfter());
    }
    return failure.build();
  }
}
