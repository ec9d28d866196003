package dev.forgepreview.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeTest {
  @Test
  void aRunWhoseOwnCallsAllSucceededExitsZero() {
    Outcome outcome = new Outcome();
    outcome.ownCallsFailed("ingest gateway deliveries", 0, null);

    assertThat(outcome.exitStatus(false)).isZero();
    assertThat(outcome.failures()).isEmpty();
  }

  @Test
  void answersCountedAsErrorsFailTheRunAndSayWhat() {
    Outcome outcome = new Outcome();
    outcome.ownCallsFailed(
        "ingest gateway deliveries", 200, "202 {\"status\":\"ignored\",\"reason\":\"…\"}");

    assertThat(outcome.exitStatus(false)).isEqualTo(Outcome.OWN_CALLS_FAILED);
    assertThat(outcome.failures())
        .containsExactly(
            "ingest gateway deliveries: 200 failed (first: 202"
                + " {\"status\":\"ignored\",\"reason\":\"…\"})");
  }

  @Test
  void aCrashOutranksFailedCalls() {
    Outcome outcome = new Outcome();
    outcome.ownCallsFailed("burst previews ended FAILED", 1, null);

    assertThat(outcome.exitStatus(true)).isEqualTo(Outcome.CRASHED);
    assertThat(new Outcome().exitStatus(true)).isEqualTo(Outcome.CRASHED);
  }
}
