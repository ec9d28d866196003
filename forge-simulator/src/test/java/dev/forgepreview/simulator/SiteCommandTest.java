package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Site commands: run, listed newest first, shown with their output, status following the clock. */
class SiteCommandTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static String site(ForgeApi api, String domain) {
    long serverId = forge.simulator().seedServer("main-" + domain);
    return "servers/" + serverId + "/sites/" + api.createSite(serverId, domain);
  }

  @Test
  void aCommandWaitsRunsAndFinishesAsTheClockMoves() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "a.test");
    SimulatorSettings settings = forge.simulator().settings();

    ForgeApi.Answer created =
        api.post(site + "/commands", Map.of("command", "php artisan db:seed"));

    assertThat(created.status()).isEqualTo(200);
    JsonNode command = created.json().get("command");
    assertThat(command.get("command").asText()).isEqualTo("php artisan db:seed");
    assertThat(command.get("status").asText()).isEqualTo("waiting");
    long id = command.get("id").asLong();
    String path = site + "/commands/" + id;

    forge.simulator().manualClock().advance(settings.siteCommandQueueDuration());
    JsonNode running = api.get(path).json();
    forge.simulator().manualClock().advance(settings.siteCommandDuration());
    JsonNode finished = api.get(path).json();

    assertThat(running.at("/command/status").asText()).isEqualTo("running");
    assertThat(finished.at("/command/status").asText()).isEqualTo("finished");
    assertThat(finished.get("output").asText()).contains("php artisan db:seed");
  }

  @Test
  void commandsAreListedNewestFirst() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "b.test");
    long first =
        api.post(site + "/commands", Map.of("command", "one")).json().at("/command/id").asLong();
    long second =
        api.post(site + "/commands", Map.of("command", "two")).json().at("/command/id").asLong();

    JsonNode listed = api.get(site + "/commands").json().get("commands");

    assertThat(listed).hasSize(2);
    assertThat(listed.get(0).get("id").asLong()).isEqualTo(second);
    assertThat(listed.get(1).get("id").asLong()).isEqualTo(first);
    assertThat(listed.get(1).get("command").asText()).isEqualTo("one");
  }

  @Test
  void aMissingOrEmptyCommandIsRefusedWith422() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "c.test");

    ForgeApi.Answer none = api.post(site + "/commands", Map.of());
    ForgeApi.Answer blank = api.post(site + "/commands", Map.of("command", "  "));

    assertThat(none.status()).isEqualTo(422);
    assertThat(none.json().at("/command/0").asText()).isEqualTo("The command field is required.");
    assertThat(blank.status()).isEqualTo(422);
    assertThat(api.get(site + "/commands").json().get("commands")).isEmpty();
  }

  @Test
  void aMatchingCommandFailsWhenTheFaultIsOn() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "d.test");
    forge.simulator().faults().failSiteCommands("db:seed");
    SimulatorSettings settings = forge.simulator().settings();

    long failing =
        api.post(site + "/commands", Map.of("command", "php artisan db:seed"))
            .json()
            .at("/command/id")
            .asLong();
    long passing =
        api.post(site + "/commands", Map.of("command", "php artisan about"))
            .json()
            .at("/command/id")
            .asLong();
    forge
        .simulator()
        .manualClock()
        .advance(settings.siteCommandQueueDuration().plus(settings.siteCommandDuration()));

    JsonNode failed = api.get(site + "/commands/" + failing).json();
    assertThat(failed.at("/command/status").asText()).isEqualTo("failed");
    assertThat(failed.get("output").asText()).contains("exit status 1");
    assertThat(api.get(site + "/commands/" + passing).json().at("/command/status").asText())
        .isEqualTo("finished");
  }

  @Test
  void anUnknownCommandOrOneOfAnotherSiteIs404() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "e.test");
    String other = site(api, "f.test");
    long id =
        api.post(site + "/commands", Map.of("command", "ls")).json().at("/command/id").asLong();

    assertThat(api.get(other + "/commands/" + id).status()).isEqualTo(404);
    assertThat(api.get(site + "/commands/999999").status()).isEqualTo(404);
  }
}
