package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ForgeSimulatorExtensionTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @RepeatedTest(2)
  void eachTestStartsWithAnEmptySimulator(ForgeSimulator simulator) {
    assertThat(simulator.inventory().isEmpty()).isTrue();
    assertThat(simulator.totalCalls()).isZero();

    new ForgeApi(simulator).createServer("leftover");
  }

  @Test
  void resolvesTheManualClockAndTheSameSimulator(ForgeSimulator simulator, ManualClock clock) {
    assertThat(simulator).isSameAs(forge.simulator());
    assertThat(clock).isSameAs(forge.manualClock());
    assertThat(simulator.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/api/v1/");
    assertThat(simulator.port()).isPositive();
  }

  @Test
  void simulatorReadsTimeOnlyFromItsClock() {
    ForgeApi api = new ForgeApi(forge.simulator());
    forge.manualClock().set(java.time.Instant.parse("2030-01-02T03:04:05Z"));

    long id = api.createServer("dated");

    assertThat(api.get("servers/" + id).json().at("/server/created_at").asText())
        .isEqualTo("2030-01-02 03:04:05");
    forge.manualClock().advance(Duration.ofMinutes(10));
    assertThat(api.get("servers/" + id).json().at("/server/is_ready").asBoolean()).isTrue();
  }

  @Nested
  class InANestedClass {
    @Test
    void theOuterSimulatorKeepsRunning() {
      assertThat(new ForgeApi(forge.simulator()).get("servers").status()).isEqualTo(200);
    }
  }
}
