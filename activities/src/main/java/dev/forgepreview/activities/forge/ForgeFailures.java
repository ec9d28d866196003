package dev.forgepreview.activities.forge;

import dev.forgepreview.workflows.FailureType;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one translation of client exceptions into {@link ApplicationFailure}s typed by {@link
 * FailureType}. A failure is non-retryable exactly when its type is in {@link
 * FailureType#NON_RETRYABLE}, so the activity and the workflow's retry policy agree.
 */
final class ForgeFailures {
  private static final Set<String> NON_RETRYABLE =
      Arrays.stream(FailureType.NON_RETRYABLE).collect(Collectors.toUnmodifiableSet());

  private ForgeFailures() {}

  static ApplicationFailure of(ForgeException e) {
    FailureType type;
    if (e instanceof ForgeAuthenticationException) {
      type = FailureType.AUTHENTICATION;
    } else if (e instanceof ForgeNotFoundException) {
      type = FailureType.NOT_FOUND;
    } else if (e instanceof ForgeValidationException) {
      type = FailureType.VALIDATION;
    } else if (e instanceof ForgeRateLimitedException limited) {
      return builder(FailureType.RATE_LIMITED, e.getMessage())
          .setCause(e)
          .setNextRetryDelay(limited.retryAfter())
          .build();
    } else if (e instanceof ForgeActionFailedException) {
      type = FailureType.FAILED;
    } else if (e instanceof ForgeServerException || e instanceof ForgeTransportException) {
      type = FailureType.TRANSIENT;
    } else {
      type = FailureType.BAD_RESPONSE;
    }
    return builder(type, e.getMessage()).setCause(e).build();
  }

  /** A poll that has to wait: benign, so it pages nobody, and retried by the policy. */
  static ApplicationFailure notReady(String message) {
    return withoutStackTrace(
        builder(FailureType.NOT_READY, message)
            .setCategory(ApplicationErrorCategory.BENIGN)
            .build());
  }

  /**
   * A poll that is simply not done yet is part of normal flow: the Web UI shows its message as the
   * pending activity's last failure, and a Java stack trace there only alarms the operator.
   */
  static ApplicationFailure withoutStackTrace(ApplicationFailure failure) {
    failure.setStackTrace(new StackTraceElement[0]);
    return failure;
  }

  /** A failure of ours, not of a client call: e.g. {@code FAILED}, {@code INVALID_INPUT}. */
  static ApplicationFailure of(FailureType type, String message) {
    return builder(type, message).build();
  }

  /** As {@link #of(FailureType, String)}, with details the workflow reads (a log's end). */
  static ApplicationFailure of(FailureType type, String message, Object... details) {
    return builder(type, message).setDetails(details).build();
  }

  private static ApplicationFailure.Builder builder(FailureType type, String message) {
    return ApplicationFailure.newBuilder()
        .setType(type.name())
        .setMessage(message)
        .setNonRetryable(NON_RETRYABLE.contains(type.name()));
  }
}
