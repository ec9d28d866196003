package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client counts requests with Forge's own headers: once an answer says the token's budget is
 * spent, further calls are held back (a 429 without a request) until the reset Forge named, so
 * Forge's limit is not hit, whichever worker spent the budget.
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
}
