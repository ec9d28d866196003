package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * The activity options of every kind of step, in one place. Polls are retries on a fixed interval
 * (coefficient 1) bounded by the step's limit, so a long wait adds a handful of events to the
 * history, not one per poll.
 */
final class PreviewActivityOptions {
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);
  private final Timeouts timeouts;

  PreviewActivityOptions(Timeouts timeouts) {
    this.timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
  }

  /** A Forge call that may wait for Forge to finish installing what it created. */
  ActivityOptions forge(String summary) {
    return poll(summary, duration(timeouts.resourcePollInterval()), Duration.ofMinutes(20));
  }

  ActivityOptions serverReady(String summary) {
    return poll(summary, duration(timeouts.serverPollInterval()), duration(timeouts.serverReady()));
  }

  ActivityOptions deployment(String summary) {
    return poll(
        summary, duration(timeouts.deploymentPollInterval()), duration(timeouts.deployment()));
  }

  /** One try: the workflow itself repeats the site health check. */
  ActivityOptions once(String summary, String taskQueue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setSummary(summary)
        .setStartToCloseTimeout(CALL_TIMEOUT)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(3)
                .setInitialInterval(Duration.ofSeconds(2))
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  ActivityOptions connectivity(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        .setSummary(summary)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(duration(timeouts.connectivityInterval()))
                .setBackoffCoefficient(1.0)
                .setMaximumAttempts(Math.max(1, timeouts.connectivityTries()))
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  /** Compensations and teardown: patient; the workflow repeats them in bounded rounds. */
  ActivityOptions compensation(String summary, String taskQueue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setSummary(summary)
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setScheduleToCloseTimeout(Duration.ofMinutes(30))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(5))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofMinutes(2))
                .build())
        .build();
  }

  /** The streamed database clone: long, heartbeating, repeated from an empty target. */
  ActivityOptions clone(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        .setSummary(summary)
        .setStartToCloseTimeout(Duration.ofHours(2))
        .setHeartbeatTimeout(Duration.ofMinutes(1))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(10))
                .setMaximumAttempts(3)
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  /** GitHub and settings: short calls, a few minutes of retries at most. */
  ActivityOptions shortCall(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        .setSummary(summary)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setScheduleToCloseTimeout(Duration.ofMinutes(5))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(2))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofMinutes(1))
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  /**
   * An outgoing notification: a few tries over about half a minute, then the workflow records a
   * warning. Bounded so a dead endpoint never holds a preview up for long.
   */
  ActivityOptions notification(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        .setSummary(summary)
        .setStartToCloseTimeout(Duration.ofSeconds(20))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(2))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(NOTIFICATION_ATTEMPTS)
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  /** Tries of one notification (the first and four retries). */
  static final int NOTIFICATION_ATTEMPTS = 5;

  Duration healthInterval() {
    return duration(timeouts.healthInterval());
  }

  int healthTries() {
    return Math.max(1, timeouts.healthTries());
  }

  /** Rounds of a teardown or rollback before it gives up; the default for older settings. */
  int teardownRounds() {
    return timeouts.teardownRounds() > 0
        ? timeouts.teardownRounds()
        : Timeouts.DEFAULT_TEARDOWN_ROUNDS;
  }

  Duration teardownRoundPause() {
    return duration(
        timeouts.teardownRoundPause() != null
            ? timeouts.teardownRoundPause()
            : Timeouts.DEFAULT_TEARDOWN_ROUND_PAUSE);
  }

  /** A compose step over SSH: a few tries, each bounded by {@code limit}. */
  ActivityOptions composeStep(String summary, Duration limit) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(PreviewIds.TASK_QUEUE)
        .setSummary(summary)
        .setStartToCloseTimeout(limit)
        // A rollback waits for a running step to end, so nothing is left behind.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(5))
                .setBackoffCoefficient(2.0)
                .setMaximumAttempts(3)
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  /** The compose build: heartbeats while it runs, so a lost worker is noticed within a minute. */
  ActivityOptions composeBuild(String summary, Duration limit) {
    return composeStep(summary, limit.plusMinutes(2)).toBuilder()
        .setHeartbeatTimeout(Duration.ofMinutes(1))
        .build();
  }

  /** The compose app's health: polled at the health interval up to {@code limit}. */
  ActivityOptions composeHealth(String summary, Duration limit) {
    return poll(summary, healthInterval(), limit, PreviewIds.TASK_QUEUE);
  }

  private static ActivityOptions poll(String summary, Duration interval, Duration limit) {
    return poll(summary, interval, limit, PreviewIds.FORGE_TASK_QUEUE);
  }

  private static ActivityOptions poll(
      String summary, Duration interval, Duration limit, String taskQueue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setSummary(summary)
        .setStartToCloseTimeout(CALL_TIMEOUT)
        .setScheduleToCloseTimeout(limit)
        // Wait for a running create to finish before rolling back, so nothing is left behind.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(interval)
                .setBackoffCoefficient(1.0)
                .setMaximumInterval(interval)
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  static Duration duration(String iso) {
    return Duration.parse(iso);
  }
}
