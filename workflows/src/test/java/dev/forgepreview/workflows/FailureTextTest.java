package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import org.junit.jupiter.api.Test;

/** How failures, shas and times read in the status, the PR comment and the Web UI. */
class FailureTextTest {

  private static ActivityFailure activity(RetryState retryState, Throwable cause) {
    return new ActivityFailure(
        "activity failed", 5, 6, "CreateSite", "7", retryState, "worker@host", cause);
  }

  @Test
  void aPollThatRanOutOfTimeSaysSoWithItsLastAnswer() {
    ActivityFailure failure =
        activity(
            RetryState.RETRY_STATE_TIMEOUT,
            ApplicationFailure.newFailure("site 11 is installing", "NOT_READY"));

    assertThat(FailureText.reason(failure))
        .isEqualTo("timed out at the step's limit; last answer: site 11 is installing");
  }

  @Test
  void aStepThatTimedOutWithoutAnAnswerSaysOnlyThat() {
    ActivityFailure failure =
        activity(
            RetryState.RETRY_STATE_TIMEOUT,
            new TimeoutFailure("timeout", null, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE));

    assertThat(FailureText.reason(failure)).isEqualTo("timed out at the step's limit");
  }

  @Test
  void anActivitysOwnFailureIsItsTypeAndMessage() {
    ActivityFailure failure =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure("422: name taken", "VALIDATION"));

    assertThat(FailureText.reason(failure)).isEqualTo("VALIDATION: 422: name taken");
  }

  @Test
  void aSingleAttemptThatTimedOutNamesTheTimeout() {
    ActivityFailure failure =
        activity(
            RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
            new TimeoutFailure("timeout", null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE));

    assertThat(FailureText.reason(failure)).isEqualTo("timed out (TIMEOUT_TYPE_START_TO_CLOSE)");
  }

  @Test
  void anyOtherCauseIsItsOwnMessage() {
    assertThat(
            FailureText.reason(
                activity(RetryState.RETRY_STATE_UNSPECIFIED, new CanceledFailure("stopped"))))
        .isEqualTo("stopped");
    assertThat(FailureText.reason(new CanceledFailure("destroy requested")))
        .isEqualTo("destroy requested");
    assertThat(
            FailureText.reason(
                activity(RetryState.RETRY_STATE_UNSPECIFIED, new IllegalStateException("bug"))))
        .contains("CreateSite")
        .contains("activity failed");
  }

  @Test
  void longMessagesAreClippedAtFiveHundredCharacters() {
    String message = "x".repeat(600);
    ActivityFailure failure =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure(message, "FAILED"));

    assertThat(FailureText.reason(failure)).isEqualTo("FAILED: " + "x".repeat(492) + "…");
    assertThat(FailureText.clip("y".repeat(500))).isEqualTo("y".repeat(500));
    assertThat(FailureText.clip(null)).isNull();
  }

  @Test
  void aCancellationIsRecognisedOnItsOwnAndAsAnActivitysCause() {
    assertThat(FailureText.isCancelled(new CanceledFailure("destroy"))).isTrue();
    assertThat(
            FailureText.isCancelled(
                activity(RetryState.RETRY_STATE_UNSPECIFIED, new CanceledFailure("destroy"))))
        .isTrue();
    assertThat(
            FailureText.isCancelled(
                activity(
                    RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
                    ApplicationFailure.newFailure("boom", "FAILED"))))
        .isFalse();
  }

  @Test
  void shasAreShownShort() {
    assertThat(FailureText.shortSha("0123456789abcdef")).isEqualTo("0123456");
    assertThat(FailureText.shortSha("abc")).isEqualTo("abc");
    assertThat(FailureText.shortSha(null)).isEqualTo("(branch head)");
  }

  @Test
  void timesAreShownToTheMinuteInUtcWithTwoDigitFields() {
    assertThat(PreviewState.minutes(java.time.Instant.parse("2026-03-04T05:06:59Z").toEpochMilli()))
        .isEqualTo("2026-03-04 05:06 UTC");
    assertThat(PreviewState.minutes(java.time.Instant.parse("2026-10-10T10:10:00Z").toEpochMilli()))
        .isEqualTo("2026-10-10 10:10 UTC");
    assertThat(PreviewState.minutes(java.time.Instant.parse("2026-12-31T23:59:00Z").toEpochMilli()))
        .isEqualTo("2026-12-31 23:59 UTC");
  }
}
