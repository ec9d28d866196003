package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultsTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void seededShareOfAnswersBecomesServerErrors() {
    List<Integer> first = statuses(0.3, 7);
    List<Integer> second = statuses(0.3, 7);

    assertThat(first).isEqualTo(second);
    assertThat(first).contains(200).containsAnyOf(500, 503).doesNotContain(429);
    assertThat(first.stream().filter(s -> s >= 500).count()).isBetween(5L, 25L);
  }

  @Test
  void fullShareFailsEveryRequest() {
    forge.simulator().faults().serverErrors(1.0, 1);
    ForgeApi api = new ForgeApi(forge.simulator());

    for (int i = 0; i < 10; i++) {
      assertThat(api.get("servers").status()).isIn(500, 503);
    }
  }

  @Test
  void latencyDelaysEachAnswer() {
    forge.simulator().faults().latency(Duration.ofMillis(150));
    ForgeApi api = new ForgeApi(forge.simulator());

    long started = System.nanoTime();
    api.get("servers");

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  @Test
  void cannedAnswerIsServedOnce() {
    forge.simulator().faults().respondWith("GET", "/servers$", 200, "{not json");
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer canned = api.get("servers");
    ForgeApi.Answer normal = api.get("servers");

    assertThat(canned.status()).isEqualTo(200);
    assertThat(canned.body()).isEqualTo("{not json");
    assertThat(canned.header("Content-Type")).isEqualTo("application/json");
    assertThat(normal.body()).isEqualTo("{\"servers\":[]}");
  }

  @Test
  void cannedAnswerOnlyMatchesItsMethodAndPath() {
    forge.simulator().faults().respondWith("POST", "/sites$", 502, "bad gateway", "text/html");
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    assertThat(api.get("servers/" + serverId + "/sites").status()).isEqualTo(200);
    ForgeApi.Answer canned =
        api.post("servers/" + serverId + "/sites", java.util.Map.of("domain", "a.test"));
    assertThat(canned.status()).isEqualTo(502);
    assertThat(forge.simulator().inventory().sites()).isEmpty();
  }

  @Test
  void forcedRateLimitAnswersTooManyAttempts() {
    forge.simulator().faults().rateLimitNext(2);
    ForgeApi api = new ForgeApi(forge.simulator());

    assertThat(api.get("servers").status()).isEqualTo(429);
    assertThat(api.get("servers").header("Retry-After")).isNotNull();
    assertThat(api.get("servers").status()).isEqualTo(200);
    assertThat(forge.simulator().rateLimitedCalls()).isEqualTo(2);
  }

  @Test
  void failAllDeploysFailsEveryDeployment() {
    forge.simulator().faults().failAllDeploys(true);
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String site =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "a.test");

    for (int i = 0; i < 2; i++) {
      api.post(site + "/deployment/deploy");
      forge.manualClock().advance(Duration.ofMinutes(2));
    }

    assertThat(api.get(site + "/deployment-history").json().get("deployments"))
        .extracting(d -> d.get("status").asText())
        .containsExactly("failed", "failed");
  }

  private List<Integer> statuses(double share, long seed) {
    forge.simulator().reset();
    forge.simulator().settings().rateLimitPerMinute(0);
    forge.simulator().faults().serverErrors(share, seed);
    ForgeApi api = new ForgeApi(forge.simulator());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      statuses.add(api.get("servers").status());
    }
    return statuses;
  }
}
