package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerLifecycleTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void serverBecomesReadyAfterConfiguredDelay() {
    ForgeApi api = new ForgeApi(forge.simulator());
    ForgeApi.Answer created =
        api.post(
            "servers",
            Map.of("provider", "ocean2", "credential_id", 7, "name", "preview", "size", "01"));

    assertThat(created.status()).isEqualTo(200);
    JsonNode server = created.json().get("server");
    assertThat(server.get("id").isIntegralNumber()).isTrue();
    assertThat(server.get("is_ready").asBoolean()).isFalse();
    assertThat(server.get("ip_address").isNull()).isTrue();
    assertThat(server.get("credential_id").asLong()).isEqualTo(7);
    assertThat(server.get("created_at").asText())
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(server.has("private_ip_address")).isTrue();
    assertThat(server.get("revoked").asBoolean()).isFalse();
    assertThat(created.json().get("sudo_password").asText()).isNotBlank();
    assertThat(created.json().get("database_password").asText()).isNotBlank();
    long id = server.get("id").asLong();

    forge.manualClock().advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(api.get("servers/" + id).json().at("/server/is_ready").asBoolean()).isFalse();

    forge.manualClock().advance(Duration.ofSeconds(1));
    JsonNode ready = api.get("servers/" + id).json().get("server");
    assertThat(ready.get("is_ready").asBoolean()).isTrue();
    assertThat(ready.get("ip_address").asText()).startsWith("192.0.2.");
  }

  @Test
  void serverReadinessFollowsTheSettings() {
    forge.simulator().settings().serverReadyAfter(Duration.ofSeconds(30));
    ForgeApi api = new ForgeApi(forge.simulator());
    long id = api.createServer("quick");

    forge.manualClock().advance(Duration.ofSeconds(30));

    assertThat(api.get("servers/" + id).json().at("/server/is_ready").asBoolean()).isTrue();
  }

  @Test
  void serverNeverBecomesReadyWhileTheFaultIsOn() {
    forge.simulator().faults().serverNeverReady(true);
    ForgeApi api = new ForgeApi(forge.simulator());
    long id = api.createServer("stuck");

    forge.manualClock().advance(Duration.ofHours(2));

    JsonNode server = api.get("servers/" + id).json().get("server");
    assertThat(server.get("is_ready").asBoolean()).isFalse();
    assertThat(server.get("ip_address").isNull()).isTrue();
  }

  @Test
  void serversAreListedUnderServersKey() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long first = api.createServer("one");
    long second = api.createServer("two");

    JsonNode servers = api.get("servers").json().get("servers");

    assertThat(servers).extracting(s -> s.get("id").asLong()).containsExactly(first, second);
  }

  @Test
  void serverCreationRequiresProviderAndName() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer answer = api.post("servers", Map.of());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/provider/0").asText())
        .isEqualTo("The provider field is required.");
    assertThat(answer.json().at("/name/0").asText()).isEqualTo("The name field is required.");
  }

  @Test
  void serverCreationRequiresCredentialUnlessCustom() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer missing = api.post("servers", Map.of("provider", "hetzner", "name", "x"));
    ForgeApi.Answer custom = api.post("servers", Map.of("provider", "custom", "name", "x"));

    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().at("/credential_id/0").asText())
        .isEqualTo("The credential id field is required.");
    assertThat(custom.status()).isEqualTo(200);
  }

  @Test
  void deletingServerDeletesEverythingOnIt() {
    ForgeSimulator simulator = forge.simulator();
    ForgeApi api = new ForgeApi(simulator);
    long serverId = simulator.seedServer("doomed");
    long siteId = api.createSite(serverId, "pr-1.example.com");
    api.post(
        "servers/" + serverId + "/databases",
        Map.of("name", "pr_1", "user", "u1", "password", "p"));
    api.post(
        "servers/" + serverId + "/sites/" + siteId + "/workers", Map.of("connection", "redis"));
    api.post(
        "servers/" + serverId + "/sites/" + siteId + "/certificates/letsencrypt",
        Map.of("domains", new String[] {"pr-1.example.com"}));
    assertThat(simulator.inventory().isEmptyBesidesServers()).isFalse();

    assertThat(api.delete("servers/" + serverId).status()).isEqualTo(200);

    assertThat(simulator.inventory().isEmpty()).isTrue();
    assertThat(api.get("servers/" + serverId).status()).isEqualTo(404);
    assertThat(api.get("servers/" + serverId + "/sites/" + siteId).status()).isEqualTo(404);
  }
}
