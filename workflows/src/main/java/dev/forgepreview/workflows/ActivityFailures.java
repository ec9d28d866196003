package dev.forgepreview.workflows;

import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Objects;

/**
 * The one factory of activity failures. Every activity implementation (Forge, GitHub, SSH, health,
 * cleanup, settings) throws what this builds, so a failure's type decides whether it is retried
 * ({@link FailureType#retryable()}), whether it is benign, and the next retry delay is set only
 * where the other side asked for one. Messages are the caller's: never a response body or a secret.
 */
public final class ActivityFailures {
  private ActivityFailures() {}

  /** A failure of the given type, retryable exactly when the type is. */
  public static ApplicationFailure of(FailureType type, String message) {
    return of(type, message, null, null);
  }

  /** As {@link #of(FailureType, String)}, keeping a cause that carries no secret. */
  public static ApplicationFailure of(FailureType type, String message, Throwable cause) {
    return of(type, message, null, cause);
  }

  /**
   * As {@link #of(FailureType, String, Throwable)}; {@code nextRetryDelay} (what a 429's {@code
   * Retry-After} asked for, may be null) replaces the retry policy's interval for the next attempt
   * of a retryable type and is ignored for the others.
   */
  public static ApplicationFailure of(
      FailureType type, String message, Duration nextRetryDelay, Throwable cause) {
    Objects.requireNonNull(type, "type");
    ApplicationFailure.Builder failure =
        ApplicationFailure.newBuilder()
            .setType(type.name())
            .setMessage(message)
            .setNonRetryable(!type.retryable());
    if (type.benign()) {
      failure.setCategory(ApplicationErrorCategory.BENIGN);
    }
    if (nextRetryDelay != null && type.retryable()) {
      failure.setNextRetryDelay(nextRetryDelay);
    }
    if (cause != null) {
      failure.setCause(cause);
    }
    return failure.build();
  }

  /**
   * As {@link #of(FailureType, String)}, with details the workflow reads from the failure (for
   * example a deployment log's end): never a secret, they enter the history.
   */
  public static ApplicationFailure withDetails(
      FailureType type, String message, Object... details) {
    return ApplicationFailure.newBuilder()
        .setType(type.name())
        .setMessage(message)
        .setNonRetryable(!type.retryable())
        .setCategory(
            type.benign() ? ApplicationErrorCategory.BENIGN : ApplicationErrorCategory.UNSPECIFIED)
        .setDetails(details)
        .build();
  }

  /**
   * A poll that has to wait: benign, retried by the step's fixed-interval policy, and without a
   * stack trace (the Web UI shows it as the pending activity's last failure, where a Java stack
   * trace for something that is simply not done yet only alarms the operator).
   */
  public static ApplicationFailure notReady(String message) {
    ApplicationFailure failure = of(FailureType.NOT_READY, message);
    failure.setStackTrace(new StackTraceElement[0]);
    return failure;
  }
}
