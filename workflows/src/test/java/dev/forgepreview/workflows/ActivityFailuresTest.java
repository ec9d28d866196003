package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The retryability table of the README, one row per failure type. */
class ActivityFailuresTest {
  /** The README's table. A change here is a change of behaviour: update the README with it. */
  private static final Map<FailureType, Boolean> RETRYABLE = new EnumMap<>(FailureType.class);

  static {
    RETRYABLE.put(FailureType.AUTHENTICATION, false);
    RETRYABLE.put(FailureType.VALIDATION, false);
    RETRYABLE.put(FailureType.NOT_FOUND, false);
    RETRYABLE.put(FailureType.RATE_LIMITED, true);
    RETRYABLE.put(FailureType.TRANSIENT, true);
    RETRYABLE.put(FailureType.NOT_READY, true);
    RETRYABLE.put(FailureType.FAILED, false);
    RETRYABLE.put(FailureType.BAD_RESPONSE, true);
    RETRYABLE.put(FailureType.INVALID_INPUT, false);
  }

  @ParameterizedTest
  @EnumSource(FailureType.class)
  void everyTypeIsRetriedExactlyAsTheTableSays(FailureType type) {
    assertThat(RETRYABLE).as("the table lists %s", type).containsKey(type);
    boolean retryable = RETRYABLE.get(type);
    Duration asked = Duration.ofSeconds(42);
    IOException cause = new IOException("connection reset");

    ApplicationFailure failure = ActivityFailures.of(type, "it went wrong", asked, cause);

    assertThat(failure.getType()).isEqualTo(type.name());
    assertThat(failure.getOriginalMessage()).isEqualTo("it went wrong");
    assertThat(failure.isNonRetryable()).isEqualTo(!retryable);
    assertThat(type.retryable()).isEqualTo(retryable);
    assertThat(failure.getNextRetryDelay()).isEqualTo(retryable ? asked : null);
    assertThat(failure.getCategory())
        .isEqualTo(
            type == FailureType.NOT_READY
                ? ApplicationErrorCategory.BENIGN
                : ApplicationErrorCategory.UNSPECIFIED);
    assertThat(failure.getCause()).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(FailureType.class)
  void theWorkflowsDoNotRetryListIsTheNonRetryableTypes(FailureType type) {
    assertThat(Arrays.asList(FailureType.NON_RETRYABLE).contains(type.name()))
        .isEqualTo(!RETRYABLE.get(type));
  }

  @ParameterizedTest
  @EnumSource(FailureType.class)
  void withoutADelayOrCauseNoneIsSet(FailureType type) {
    ApplicationFailure failure = ActivityFailures.of(type, "plain");

    assertThat(failure.getNextRetryDelay()).isNull();
    assertThat(failure.getCause()).isNull();
    assertThat(failure.isNonRetryable()).isEqualTo(!RETRYABLE.get(type));
  }

  @Test
  void aPollIsBenignAndRetryable() {
    ApplicationFailure failure = ActivityFailures.notReady("site is installing");

    assertThat(failure.getType()).isEqualTo(FailureType.NOT_READY.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
  }
}
