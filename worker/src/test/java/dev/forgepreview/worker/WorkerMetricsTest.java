package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.forge.ForgeRateLimitedException;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.SimulatorSettings;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The worker's {@code /metrics} text: Forge requests by endpoint and status, 429s apart. */
class WorkerMetricsTest {

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void forgeRequestsAndRateLimitsAreCountedPerEndpointLikeTheSimulatorCountsThem() {
    try (WorkerMetrics metrics = new WorkerMetrics();
        ForgeSimulator forge =
            ForgeSimulator.builder()
                .token("metrics-token")
                .settings(new SimulatorSettings().rateLimitPerMinute(2))
                .build()
                .start()) {
      ForgeClient client =
          new ForgeClient(
              ForgeClientConfig.of(forge.baseUrl(), forge.token()),
              Clock.systemUTC(),
              metrics.forgeCalls());
      client.listServers();
      client.listServers();
      // Another process's client (its own budget, not told yet that Forge's is spent) draws the
      // 429; this one holds its third call back without a request (ForgeRequestBudget).
      ForgeClient other =
          new ForgeClient(
              ForgeClientConfig.of(forge.baseUrl(), forge.token()),
              Clock.systemUTC(),
              metrics.forgeCalls());
      assertThatThrownBy(other::listServers).isInstanceOf(ForgeRateLimitedException.class);
      assertThatThrownBy(client::listServers).isInstanceOf(ForgeRateLimitedException.class);

      String scrape = metrics.scrape();
      assertThat(
              value(
                  scrape,
                  "forge_preview_forge_requests_total{endpoint=\"servers\",method=\"GET\",status=\"200\"}"))
          .isEqualTo(2);
      assertThat(
              value(
                  scrape,
                  "forge_preview_forge_requests_total{endpoint=\"servers\",method=\"GET\",status=\"429\"}"))
          .isEqualTo(1);
      assertThat(
              value(
                  scrape,
                  "forge_preview_forge_rate_limited_total{endpoint=\"servers\",method=\"GET\"}"))
          .isEqualTo(forge.rateLimitedCalls())
          .isEqualTo(1);
      assertThat(forge.totalCalls()).isEqualTo(3);
    }
  }

  @Test
  void rollbackAndTeardownActivitiesAreTheCompensations() {
    assertThat(WorkerMetrics.isCompensation("DeleteSite")).isTrue();
    assertThat(WorkerMetrics.isCompensation("DeleteDatabaseUser")).isTrue();
    assertThat(WorkerMetrics.isCompensation("FlushRedis")).isTrue();
    assertThat(WorkerMetrics.isCompensation("CreateSite")).isFalse();
    assertThat(WorkerMetrics.isCompensation("AwaitDeployment")).isFalse();
  }
}
