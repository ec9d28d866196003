package dev.forgepreview.activities.forge;

import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;

/**
 * Which {@link FailureType} each Forge client exception is. Retryability, category and retry delay
 * are decided by {@link ActivityFailures}, as for every other activity.
 */
final class ForgeFailures {
  private ForgeFailures() {}

  static ApplicationFailure of(ForgeException e) {
    if (e instanceof ForgeRateLimitedException limited) {
      return ActivityFailures.of(FailureType.RATE_LIMITED, e.getMessage(), limited.retryAfter(), e);
    }
    return ActivityFailures.of(typeOf(e), e.getMessage(), e);
  }

  static FailureType typeOf(ForgeException e) {
    if (e instanceof ForgeAuthenticationException) {
      return FailureType.AUTHENTICATION;
    } else if (e instanceof ForgeNotFoundException) {
      return FailureType.NOT_FOUND;
    } else if (e instanceof ForgeValidationException) {
      return FailureType.VALIDATION;
    } else if (e instanceof ForgeRateLimitedException) {
      return FailureType.RATE_LIMITED;
    } else if (e instanceof ForgeActionFailedException) {
      return FailureType.FAILED;
    } else if (e instanceof ForgeServerException || e instanceof ForgeTransportException) {
      return FailureType.TRANSIENT;
    }
    return FailureType.BAD_RESPONSE;
  }

  /** A failure of ours, not of a client call: e.g. {@code FAILED}, {@code INVALID_INPUT}. */
  static ApplicationFailure of(FailureType type, String message) {
    return ActivityFailures.of(type, message);
  }

  /** As {@link #of(FailureType, String)}, with details the workflow reads (a log's end). */
  static ApplicationFailure of(FailureType type, String message, Object... details) {
    return ActivityFailures.withDetails(type, message, details);
  }
}
