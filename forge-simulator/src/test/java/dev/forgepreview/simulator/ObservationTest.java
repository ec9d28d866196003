package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ObservationTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void inventoryListsLiveResources() {
    ForgeSimulator simulator = forge.simulator();
    ForgeApi api = new ForgeApi(simulator);
    long serverId = simulator.seedServer("main");
    long siteId = api.createSite(serverId, "pr-2.example.com");
    api.post("servers/" + serverId + "/databases", Map.of("name", "pr_2"));

    Inventory inventory = simulator.inventory();

    assertThat(inventory.isEmpty()).isFalse();
    assertThat(inventory.servers()).containsExactly(new Inventory.Server(serverId, "main", true));
    assertThat(inventory.sites())
        .singleElement()
        .satisfies(
            site -> {
              assertThat(site.id()).isEqualTo(siteId);
              assertThat(site.serverId()).isEqualTo(serverId);
              assertThat(site.domain()).isEqualTo("pr-2.example.com");
              assertThat(site.status()).isEqualTo("installing");
            });
    assertThat(inventory.databases()).extracting(Inventory.Database::name).containsExactly("pr_2");
  }

  @Test
  void callsAreCountedPerRouteTemplate() {
    ForgeSimulator simulator = forge.simulator();
    ForgeApi api = new ForgeApi(simulator);
    long serverId = simulator.seedServer("main");
    api.createSite(serverId, "a.test");
    api.createSite(serverId, "b.test");
    api.get("servers/" + serverId + "/sites");
    new ForgeApi(simulator).withToken("wrong").get("servers");

    assertThat(simulator.callCounts())
        .containsEntry("POST /api/v1/servers/{id}/sites", 2L)
        .containsEntry("GET /api/v1/servers/{id}/sites", 1L)
        .containsEntry("GET /api/v1/servers", 1L);
    assertThat(simulator.totalCalls()).isEqualTo(4);
    assertThat(simulator.rateLimitedCalls()).isZero();
  }

  @Test
  void resetForgetsEverythingAndRestoresSettings() {
    ForgeSimulator simulator = forge.simulator();
    ForgeApi api = new ForgeApi(simulator);
    api.createSite(simulator.seedServer("main"), "a.test");
    simulator.settings().rateLimitPerMinute(5);
    simulator.faults().failAllDeploys(true);

    simulator.reset();

    assertThat(simulator.inventory().isEmpty()).isTrue();
    assertThat(simulator.callCounts()).isEmpty();
    assertThat(simulator.totalCalls()).isZero();
    assertThat(simulator.settings().rateLimitPerMinute()).isEqualTo(60);
  }
}
