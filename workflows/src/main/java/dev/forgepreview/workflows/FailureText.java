package dev.forgepreview.workflows;

import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/** Failures as a person reads them in the status, the PR comment and the Web UI. */
final class FailureText {
  private static final int MESSAGE_LIMIT = 500;

  private FailureText() {}

  static boolean isCancelled(TemporalFailure e) {
    return e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
  }

  /** The activity's own message, or what timed out. */
  static String reason(TemporalFailure e) {
    if (e instanceof ActivityFailure activity
        && activity.getRetryState() == RetryState.RETRY_STATE_TIMEOUT) {
      String last =
          activity.getCause() instanceof ApplicationFailure app ? app.getOriginalMessage() : null;
      return clip("timed out at the step's limit" + (last == null ? "" : "; last answer: " + last));
    }
    Throwable cause = e instanceof ActivityFailure ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return clip(app.getType() + ": " + app.getOriginalMessage());
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType() + ")";
    }
    if (cause instanceof TemporalFailure temporal) {
      return clip(temporal.getOriginalMessage());
    }
    return clip(String.valueOf(e.getMessage()));
  }

  /**
   * The end of the deployment log an activity attached to its failure as the first detail (see
   * {@code ForgeActivities.awaitDeployment}), bounded by {@link DeploymentLogTail}; else null.
   */
  static String deploymentLog(TemporalFailure e) {
    Throwable cause = e instanceof ActivityFailure ? e.getCause() : e;
    if (!(cause instanceof ApplicationFailure app) || app.getDetails().getSize() == 0) {
      return null;
    }
    try {
      return DeploymentLogTail.of(app.getDetails().get(0, String.class));
    } catch (DataConverterException ignored) {
      return null;
    }
  }

  static String clip(String text) {
    if (text == null) {
      return null;
    }
    return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT) + "…";
  }

  static String shortSha(String sha) {
    return sha == null ? "(branch head)" : sha.substring(0, Math.min(7, sha.length()));
  }
}
