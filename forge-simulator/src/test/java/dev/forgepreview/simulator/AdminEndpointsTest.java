package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminEndpointsTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void healthAnswersWithoutToken() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).admin("GET", "health", "");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void inventoryAndCallsAreServedAsJson() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    api.createSite(serverId, "a.test");

    JsonNode inventory = api.admin("GET", "inventory", "").json();
    JsonNode calls = api.admin("GET", "calls", "").json();

    assertThat(inventory.at("/sites/0/domain").asText()).isEqualTo("a.test");
    assertThat(inventory.at("/servers/0/id").asLong()).isEqualTo(serverId);
    assertThat(calls.get("total").asLong()).isEqualTo(1);
    assertThat(calls.at("/calls/POST ~1api~1v1~1servers~1{id}~1sites").asLong()).isEqualTo(1);
  }

  @Test
  void resetClearsTheState() {
    ForgeApi api = new ForgeApi(forge.simulator());
    api.createSite(forge.simulator().seedServer("main"), "a.test");

    assertThat(api.admin("POST", "reset", "").status()).isEqualTo(200);

    assertThat(forge.simulator().inventory().isEmpty()).isTrue();
  }

  @Test
  void clockAdvancesTheManualClock() {
    ForgeApi api = new ForgeApi(forge.simulator());
    Instant before = forge.manualClock().instant();

    ForgeApi.Answer answer = api.admin("POST", "clock/advance?seconds=600", "");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(forge.manualClock().instant()).isEqualTo(before.plusSeconds(600));
    assertThat(answer.json().get("now").asText()).isEqualTo(before.plusSeconds(600).toString());
  }

  @Test
  void clockAdvanceIsRefusedOnARealClock() {
    try (ForgeSimulator real = ForgeSimulator.builder().clock(Clock.systemUTC()).build().start()) {
      ForgeApi.Answer answer = new ForgeApi(real).admin("POST", "clock/advance?seconds=1", "");

      assertThat(answer.status()).isEqualTo(409);
    }
  }

  @Test
  void faultsAreSwitchedOverHttp() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer answer =
        api.admin(
            "POST",
            "faults",
            "{\"serverNeverReady\":true,\"respondWith\":[{\"method\":\"GET\",\"path\":\"/servers$\","
                + "\"status\":503,\"body\":\"{}\"}]}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(forge.simulator().faults().serverNeverReady()).isTrue();
    assertThat(api.get("servers").status()).isEqualTo(503);
    assertThat(api.admin("POST", "faults", "{\"bogus\":1}").status()).isEqualTo(400);
  }

  @Test
  void soakFaultsAreSwitchedAndReportedOverHttp() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer =
        api.admin(
            "POST",
            "faults",
            "{\"serverErrorShare\":1,\"seed\":99,\"afterCommitShare\":1,"
                + "\"failDeploysOfSites\":\"^pr-\",\"hold\":[{\"method\":\"DELETE\","
                + "\"path\":\"/servers/\\\\d+$\"}]}");
    api.post("servers/" + serverId + "/databases", java.util.Map.of("name", "pr_1"));
    JsonNode faults = api.admin("GET", "faults", "").json();
    JsonNode calls = api.admin("GET", "calls", "").json();
    JsonNode created = api.admin("GET", "created", "").json();

    assertThat(answer.status()).isEqualTo(200);
    assertThat(faults.get("seed").asLong()).isEqualTo(99);
    assertThat(faults.get("afterCommitShare").asDouble()).isEqualTo(1.0);
    assertThat(faults.get("armedHolds").asInt()).isEqualTo(1);
    assertThat(faults.get("held")).isEmpty();
    assertThat(calls.get("server_errors_after_commit").asLong()).isEqualTo(1);
    assertThat(created.at("/databases/byName/pr_1").asInt()).isEqualTo(1);
    assertThat(api.admin("POST", "faults", "{\"clear\":true}").status()).isEqualTo(200);
    assertThat(api.admin("GET", "faults", "").json().get("armedHolds").asInt()).isZero();
  }

  @Test
  void settingsAndSeededServersAreAvailableOverHttp() {
    ForgeApi api = new ForgeApi(forge.simulator());

    api.admin("POST", "settings", "{\"siteInstallDuration\":\"PT1S\",\"deployDuration\":5}");
    JsonNode server = api.admin("POST", "servers", "{\"name\":\"dev\"}").json().get("server");

    assertThat(forge.simulator().settings().siteInstallDuration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(forge.simulator().settings().deployDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(server.get("is_ready").asBoolean()).isTrue();
    assertThat(api.get("servers/" + server.get("id").asLong()).status()).isEqualTo(200);
  }

  @Test
  void aSeededServerReportsTheAddressItWasGivenAndABadAddressIsRefused() {
    ForgeApi api = new ForgeApi(forge.simulator());

    long id =
        api.admin("POST", "servers", "{\"name\":\"cache\",\"ip_address\":\"127.0.0.1\"}")
            .json()
            .at("/server/id")
            .asLong();
    long plain =
        api.admin("POST", "servers", "{\"name\":\"web\"}").json().at("/server/id").asLong();
    ForgeApi.Answer refused =
        api.admin("POST", "servers", "{\"name\":\"x\",\"ip_address\":\"127.0.0.1; reboot\"}");

    assertThat(api.get("servers/" + id).json().at("/server/ip_address").asText())
        .isEqualTo("127.0.0.1");
    assertThat(api.get("servers/" + plain).json().at("/server/ip_address").asText())
        .startsWith("192.0.2.");
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().has("ip_address")).isTrue();
  }
}
