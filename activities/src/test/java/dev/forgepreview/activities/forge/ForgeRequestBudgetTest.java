package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.simulator.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client counts requests with Forge's own headers: once an answer says the token's budget is
 * spent, further calls are held back until the reset Forge named (they wait for it within the
 * configured patience, else fail as a 429 would without a request), so Forge's limit is not hit,
 * whichever worker spent the budget.
 */
class ForgeRequestBudgetTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private ForgeSimulator simulator;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
  }

  @Test
  void aSpentBudgetHoldsCallsBackUntilTheResetInsteadOfDrawingA429() {
    simulator.settings().rateLimitPerMinute(3);
    ForgeClient client = ForgeFixtures.client(simulator);
    client.listServers();
    client.listServers();
    simulator.manualClock().advance(Duration.ofSeconds(20));
    client.listServers();

    ForgeRateLimitedException held =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    // The first request leaves Forge's window 60 s after it was made, 40 s from now.
    assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(40));
    assertThat(simulator.totalCalls()).isEqualTo(3);
    assertThat(simulator.rateLimitedCalls()).isZero();

    simulator.manualClock().advance(Duration.ofSeconds(40));
    client.listServers();
    assertThat(simulator.totalCalls()).isEqualTo(4);
    assertThat(simulator.rateLimitedCalls()).isZero();
  }

  @Test
  void aBudgetSpentByAnotherWorkerIsSeenInTheFirstAnswerAndHeldToAfterwards() {
    simulator.settings().rateLimitPerMinute(2);
    ForgeClient first = ForgeFixtures.client(simulator);
    ForgeClient second = ForgeFixtures.client(simulator);
    first.listServers();

    // The second worker's client knows nothing yet; Forge's answer tells it one request is left.
    second.listServers();
    ForgeRateLimitedException held =
        catchThrowableOfType(ForgeRateLimitedException.class, second::listServers);

    assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(simulator.totalCalls()).isEqualTo(2);
    assertThat(simulator.rateLimitedCalls()).isZero();
  }

  @Test
  void aHeldBackRequestWaitsForTheResetWithinThePatienceAndIsSentThen() {
    simulator.settings().rateLimitPerMinute(3);
    Instant start = simulator.clock().instant();
    ForgeClient patient = patientClient(Duration.ofSeconds(45));
    patient.listServers();
    patient.listServers();
    simulator.manualClock().advance(Duration.ofSeconds(20));
    patient.listServers();

    // Spent: the fourth request waits the 40 s until the first leaves Forge's window, then goes.
    patient.listServers();

    assertThat(simulator.totalCalls()).isEqualTo(4);
    assertThat(simulator.rateLimitedCalls()).isZero();
    assertThat(Duration.between(start, simulator.clock().instant()))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aWaitLongerThanThePatienceFailsAtOnceWithoutARequest() {
    simulator.settings().rateLimitPerMinute(1);
    Instant start = simulator.clock().instant();
    ForgeClient patient = patientClient(Duration.ofSeconds(30));
    patient.listServers();

    ForgeRateLimitedException held =
        catchThrowableOfType(ForgeRateLimitedException.class, patient::listServers);

    assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(simulator.clock().instant()).isEqualTo(start);
    assertThat(simulator.totalCalls()).isEqualTo(1);
    assertThat(simulator.rateLimitedCalls()).isZero();
  }

  /** A client that waits up to {@code patience} for the budget; its waits advance the clock. */
  private ForgeClient patientClient(Duration patience) {
    return new ForgeClient(
        new ForgeClientConfig(
            simulator.baseUrl(),
            simulator.token(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(15),
            patience),
        simulator.clock(),
        wait -> simulator.manualClock().advance(wait));
  }

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final String RESET = Long.toString(NOW.getEpochSecond() + 30);

  private static ForgeRequestBudget budgetAtNow() {
    return new ForgeRequestBudget(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void whileNoCountIsKnownOneRequestGoesAloneAndTheOthersWaitForItsAnswer() {
    ForgeRequestBudget budget = budgetAtNow();
    ForgeRequestBudget.Decision first = budget.take();
    ForgeRequestBudget.Decision second = budget.take();

    assertThat(first.go()).isTrue();
    assertThat(second.go()).isFalse();
    assertThat(second.spent()).isFalse();

    budget.answered(true, "5", RESET);
    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().go()).isTrue();
  }

  @Test
  void anAnswerThatOvertookAnEarlierRequestIsNotTakenAtItsWord() {
    ForgeRequestBudget budget = budgetAtNow();
    budget.take();
    budget.answered(true, "2", RESET);
    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().go()).isTrue();

    // Forge counted the second request first: its answer says one is left, the first's says none.
    budget.answered(true, "1", RESET);
    ForgeRequestBudget.Decision afterTheOvertakingAnswer = budget.take();
    budget.answered(true, "0", RESET);
    ForgeRequestBudget.Decision afterBoth = budget.take();

    assertThat(afterTheOvertakingAnswer.go()).isFalse();
    assertThat(afterTheOvertakingAnswer.spent()).isTrue();
    assertThat(afterBoth.go()).isFalse();
    assertThat(afterBoth.delay()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anOlderHigherCountDoesNotRaiseTheEstimate() {
    ForgeRequestBudget budget = budgetAtNow();
    budget.take();
    budget.answered(true, "5", RESET);
    budget.take();
    budget.take();

    // The later request's answer comes first (two left, one request still out: one), then the
    // earlier's (three left, older news): one request may go, not three.
    budget.answered(true, "2", RESET);
    budget.answered(true, "3", RESET);
    assertThat(budget.take().go()).isTrue();

    ForgeRequestBudget.Decision held = budget.take();
    assertThat(held.go()).isFalse();
    assertThat(held.spent()).isTrue();
  }

  @Test
  void onceTheResetHasPassedTheCountIsLearntAfreshByOneRequest() {
    ManualClock clock = new ManualClock(NOW);
    ForgeRequestBudget budget = new ForgeRequestBudget(clock);
    budget.take();
    budget.answered(true, "0", RESET);
    assertThat(budget.take().spent()).isTrue();

    clock.advance(Duration.ofSeconds(30));
    ForgeRequestBudget.Decision probe = budget.take();
    ForgeRequestBudget.Decision waiting = budget.take();

    assertThat(probe.go()).isTrue();
    assertThat(waiting.go()).isFalse();
    assertThat(waiting.spent()).isFalse();
    budget.answered(true, "4", Long.toString(NOW.getEpochSecond() + 90));
    assertThat(budget.take().go()).isTrue();
  }

  @Test
  void anAnswerNamingALaterResetSaysTheWindowMovedOnAndRaisesTheCount() {
    ForgeRequestBudget budget = budgetAtNow();
    budget.take();
    budget.answered(true, "2", RESET);
    budget.take();
    budget.take();
    budget.answered(true, "0", RESET);
    assertThat(budget.take().spent()).isTrue();

    // Forge counted the second request after a request had left its window (its clock may run
    // ahead of ours): the answer names a later reset, and one request may go again.
    budget.answered(true, "1", Long.toString(NOW.getEpochSecond() + 35));

    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().spent()).isTrue();
  }

  @Test
  void anAnswerWithoutTheCountMeansForgeDoesNotCountAndNothingIsHeldBack() {
    ForgeRequestBudget budget = budgetAtNow();
    budget.take();
    budget.answered(true, null, null);

    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().go()).isTrue();
  }

  @Test
  void aRequestWithoutAnAnswerLeavesTheCountUnknownAndTheNextGoesAlone() {
    ForgeRequestBudget budget = budgetAtNow();
    budget.take();
    budget.answered(false, null, null);

    assertThat(budget.take().go()).isTrue();
    assertThat(budget.take().go()).isFalse();
  }
}
