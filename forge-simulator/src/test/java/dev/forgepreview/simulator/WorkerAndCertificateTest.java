package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WorkerAndCertificateTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void workerInstallsAfterConfiguredDelay() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api);

    JsonNode worker =
        api.post(
                site + "/workers",
                Map.of("connection", "redis", "queue", "default", "daemon", true))
            .json()
            .get("worker");

    assertThat(worker.get("status").asText()).isEqualTo("installing");
    assertThat(worker.get("daemon").asInt()).isEqualTo(1);
    assertThat(worker.get("force").asInt()).isZero();
    assertThat(Fields.of(worker))
        .contains(
            "id",
            "connection",
            "command",
            "queue",
            "timeout",
            "sleep",
            "tries",
            "processes",
            "stopwaitsecs",
            "php_version",
            "daemon",
            "force",
            "status",
            "created_at");
    forge.manualClock().advance(Duration.ofSeconds(5));
    assertThat(
            api.get(site + "/workers/" + worker.get("id").asLong())
                .json()
                .at("/worker/status")
                .asText())
        .isEqualTo("installed");
    assertThat(api.get(site + "/workers").json().get("workers")).hasSize(1);
  }

  @Test
  void workerWithoutConnectionIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer answer = api.post(site(api) + "/workers", Map.of("queue", "default"));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/connection/0").asText())
        .isEqualTo("The connection field is required.");
  }

  @Test
  void letsEncryptCertificateInstallsThenActivates() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api);

    JsonNode requested =
        api.post(site + "/certificates/letsencrypt", Map.of("domains", List.of("a.test")))
            .json()
            .get("certificate");

    assertThat(requested.get("type").asText()).isEqualTo("letsencrypt");
    assertThat(requested.get("request_status").asText()).isEqualTo("created");
    assertThat(requested.get("status").asText()).isEqualTo("installing");
    assertThat(requested.get("active").asBoolean()).isFalse();
    assertThat(requested.get("activation_status").isNull()).isTrue();
    String path = site + "/certificates/" + requested.get("id").asLong();

    forge.manualClock().advance(Duration.ofSeconds(30));
    JsonNode installed = api.get(path).json().get("certificate");
    assertThat(installed.get("status").asText()).isEqualTo("installed");
    assertThat(installed.get("activation_status").asText()).isEqualTo("activating");
    assertThat(installed.get("active").asBoolean()).isFalse();

    forge.manualClock().advance(Duration.ofSeconds(30));
    JsonNode active = api.get(path).json().get("certificate");
    assertThat(active.get("activation_status").asText()).isEqualTo("activated");
    assertThat(active.get("active").asBoolean()).isTrue();
    assertThat(api.get(site).json().at("/site/is_secured").asBoolean()).isTrue();
  }

  @Test
  void failedCertificateVanishesAfterItsInstallTime() {
    forge.simulator().faults().failCertificates(true);
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api);
    long id =
        api.post(site + "/certificates/letsencrypt", Map.of("domains", List.of("a.test")))
            .json()
            .at("/certificate/id")
            .asLong();
    assertThat(api.get(site + "/certificates/" + id).status()).isEqualTo(200);

    forge.manualClock().advance(Duration.ofSeconds(30));

    ForgeApi.Answer gone = api.get(site + "/certificates/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body()).isEqualTo("Resource not found.");
    assertThat(api.get(site + "/certificates").json().get("certificates")).isEmpty();
  }

  @Test
  void certificateWithoutDomainsIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer answer = api.post(site(api) + "/certificates/letsencrypt", Map.of());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/domains/0").asText()).isEqualTo("The domains field is required.");
  }

  @Test
  void certificateCanBeDeleted() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api);
    long id =
        api.post(site + "/certificates/letsencrypt", Map.of("domains", List.of("a.test")))
            .json()
            .at("/certificate/id")
            .asLong();

    assertThat(api.delete(site + "/certificates/" + id).status()).isEqualTo(200);

    assertThat(api.get(site + "/certificates/" + id).status()).isEqualTo(404);
  }

  private static String site(ForgeApi api) {
    long serverId = forge.simulator().seedServer("main");
    return "servers/" + serverId + "/sites/" + api.createSite(serverId, "a.test");
  }
}
