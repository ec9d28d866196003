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

  @Test
  void serverErrorAfterCommitCarriesTheCreateOut() {
    forge.simulator().faults().serverErrors(1.0, 3).afterCommitShare(1.0);
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer create =
        api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "pr_1"));

    assertThat(create.status()).isEqualTo(500);
    assertThat(forge.simulator().inventory().databases())
        .extracting(Inventory.Database::name)
        .containsExactly("pr_1");
    assertThat(forge.simulator().injectedServerErrors(true)).isEqualTo(1);
    forge.simulator().faults().serverErrors(0);
    ForgeApi.Answer retry =
        api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "pr_1"));
    assertThat(retry.status()).as("a blind retry of the committed create").isEqualTo(422);
  }

  @Test
  void failNextAfterCommitAnswers500OnceForTheMatchingWrite() {
    forge.simulator().faults().failNextAfterCommit("POST", "/databases$");
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    assertThat(api.get("servers/" + serverId + "/databases").status()).isEqualTo(200);
    assertThat(
            api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "a")).status())
        .isEqualTo(500);
    assertThat(
            api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "b")).status())
        .isEqualTo(200);
    assertThat(forge.simulator().inventory().databases())
        .extracting(Inventory.Database::name)
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void readsAreNeverCarriedOutBeforeTheirError() {
    forge.simulator().faults().serverErrors(1.0, 3).afterCommitShare(1.0);
    ForgeApi api = new ForgeApi(forge.simulator());

    assertThat(api.get("servers").status()).isIn(500, 503);
    assertThat(forge.simulator().injectedServerErrors(false)).isEqualTo(1);
    assertThat(forge.simulator().injectedServerErrors(true)).isZero();
  }

  @Test
  void seededFaultsAreTheSameEveryRun() {
    List<Integer> first = createStatuses(11);
    List<Integer> second = createStatuses(11);

    assertThat(first).isEqualTo(second).contains(200, 500);
    assertThat(forge.simulator().faults().seed()).isEqualTo(11);
  }

  @Test
  void creationsAreCountedAfterTheResourceIsGone() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = api.createServer("pr-1-shop");
    forge.manualClock().advance(Duration.ofHours(1));
    api.createSite(serverId, "pr-1.test");

    assertThat(api.delete("servers/" + serverId).status()).isEqualTo(200);

    assertThat(forge.simulator().inventory().isEmpty()).isTrue();
    var created = api.admin("GET", "created", "").json();
    assertThat(created.at("/servers/total").asInt()).isEqualTo(1);
    assertThat(created.at("/servers/byName/pr-1-shop").asInt()).isEqualTo(1);
    assertThat(created.at("/sites/byName/pr-1.test").asInt()).isEqualTo(1);
    assertThat(created.at("/databases/total").asInt()).isZero();
  }

  @Test
  void heldRequestWaitsUntilReleasedAndIsThenCarriedOut() throws Exception {
    forge.simulator().faults().holdNext("POST", "/databases$");
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    var answer =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "pr_2")));

    while (forge.simulator().faults().held().isEmpty()) {
      Thread.sleep(20);
    }
    assertThat(forge.simulator().faults().held())
        .containsExactly("POST /api/v1/servers/" + serverId + "/databases");
    assertThat(api.get("servers/" + serverId + "/databases").json().get("databases")).isEmpty();
    assertThat(answer).isNotDone();

    assertThat(api.admin("POST", "release", "").json().get("released").asInt()).isEqualTo(1);
    assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(forge.simulator().inventory().databases()).hasSize(1);
    assertThat(forge.simulator().faults().armedHolds()).isZero();
  }

  @Test
  void failDeploysOfSitesFailsOnlyTheMatchingSites() {
    forge.simulator().faults().failDeploysOfSites("^pr-2\\.");
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String failing =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "pr-2.test");
    String passing =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "pr-20.test");

    api.post(failing + "/deployment/deploy");
    api.post(passing + "/deployment/deploy");
    forge.manualClock().advance(Duration.ofMinutes(2));

    assertThat(api.get(failing + "/deployment-history").json().at("/deployments/0/status").asText())
        .isEqualTo("failed");
    assertThat(forge.simulator().created())
        .extractingByKey("deployments")
        .hasToString("{total=2, byName={pr-2.test=1, pr-20.test=1}}");
    assertThat(api.get(passing + "/deployment-history").json().at("/deployments/0/status").asText())
        .isEqualTo("finished");
  }

  private List<Integer> createStatuses(long seed) {
    forge.simulator().reset();
    forge.simulator().settings().rateLimitPerMinute(0);
    forge.simulator().faults().serverErrors(0.5, seed).afterCommitShare(0.5);
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      statuses.add(
          api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "db_" + i))
              .status());
    }
    statuses.add(forge.simulator().inventory().databases().size());
    return statuses;
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
