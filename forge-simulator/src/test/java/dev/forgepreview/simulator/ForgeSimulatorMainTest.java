package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForgeSimulatorMainTest {

  @Test
  void flagsConfigureTheSimulator() {
    ForgeSimulatorMain.Options options =
        ForgeSimulatorMain.parse(
            new String[] {
              "--port",
              "0",
              "--token",
              "t0k",
              "--server-ready-after",
              "PT1M",
              "--deploy-duration",
              "5",
              "--manual-clock",
              "--rate-limit",
              "0",
              "--seed-server",
              "dev"
            },
            null);

    try (ForgeSimulator simulator = options.builder().build().start()) {
      assertThat(simulator.token()).isEqualTo("t0k");
      assertThat(simulator.settings().serverReadyAfter()).isEqualTo(Duration.ofMinutes(1));
      assertThat(simulator.settings().deployDuration()).isEqualTo(Duration.ofSeconds(5));
      assertThat(simulator.settings().rateLimitPerMinute()).isZero();
      assertThat(simulator.clock()).isInstanceOf(ManualClock.class);
      assertThat(options.seedServers()).containsExactly("dev");
      assertThat(ForgeSimulatorMain.banner(simulator))
          .isEqualTo("forge-simulator listening on " + simulator.baseUrl() + " (token as given)")
          .doesNotContain("t0k");
    }
  }

  @Test
  void generatedTokenIsPrintedOnce() {
    ForgeSimulatorMain.Options options =
        ForgeSimulatorMain.parse(new String[] {"--port", "0"}, null);

    try (ForgeSimulator simulator = options.builder().build().start()) {
      assertThat(simulator.tokenGenerated()).isTrue();
      assertThat(ForgeSimulatorMain.banner(simulator))
          .endsWith("(token " + simulator.token() + ")");
    }
  }

  @Test
  void tokenComesFromTheEnvironmentWhenNotGiven() {
    ForgeSimulatorMain.Options options =
        ForgeSimulatorMain.parse(new String[] {"--port", "0"}, "from-env");

    assertThat(options.builder().build().token()).isEqualTo("from-env");
  }

  @Test
  void unknownFlagIsRefused() {
    assertThatThrownBy(() -> ForgeSimulatorMain.parse(new String[] {"--bogus"}, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bogus");
  }
}
