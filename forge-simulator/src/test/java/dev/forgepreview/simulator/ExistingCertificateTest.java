package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExistingCertificateTest {
  private static final String CERT =
      "-----BEGIN CERTIFICATE-----\nMIIBwildcard\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nMIIEkey\n-----END PRIVATE KEY-----\n";

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void existingCertificateInstallsThenActivatesOnlyWhenAsked() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "a.test");

    ForgeApi.Answer created =
        api.post(
            site + "/certificates", Map.of("type", "existing", "key", KEY, "certificate", CERT));

    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body()).doesNotContain("MIIEkey");
    JsonNode certificate = created.json().get("certificate");
    long id = certificate.get("id").asLong();
    assertThat(certificate.get("type").asText()).isEqualTo("existing");
    assertThat(certificate.get("existing").asBoolean()).isTrue();
    assertThat(certificate.get("status").asText()).isEqualTo("installing");
    assertThat(api.post(site + "/certificates/" + id + "/activate").status()).isEqualTo(422);

    forge.manualClock().advance(forge.simulator().settings().certificateInstallDuration());
    JsonNode installed = api.get(site + "/certificates/" + id).json().get("certificate");
    assertThat(installed.get("status").asText()).isEqualTo("installed");
    assertThat(installed.get("active").asBoolean()).isFalse();
    assertThat(installed.get("activation_status").isNull()).isTrue();
    forge.manualClock().advance(Duration.ofHours(1));
    assertThat(api.get(site + "/certificates/" + id).json().at("/certificate/active").asBoolean())
        .isFalse();

    assertThat(api.post(site + "/certificates/" + id + "/activate").status()).isEqualTo(200);
    assertThat(
            api.get(site + "/certificates/" + id)
                .json()
                .at("/certificate/activation_status")
                .asText())
        .isEqualTo("activating");
    forge.manualClock().advance(forge.simulator().settings().certificateActivationDuration());
    JsonNode active = api.get(site + "/certificates/" + id).json().get("certificate");
    assertThat(active.get("active").asBoolean()).isTrue();
    assertThat(active.get("activation_status").asText()).isEqualTo("activated");
    assertThat(forge.simulator().installedCertificate(id)).isEqualTo(CERT.trim());
  }

  @Test
  void existingCertificateWithoutKeyOrWithATypeNotSimulatedIsRefused() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "b.test");

    ForgeApi.Answer noKey =
        api.post(site + "/certificates", Map.of("type", "existing", "certificate", CERT));
    ForgeApi.Answer notPem =
        api.post(
            site + "/certificates",
            Map.of("type", "existing", "key", "secret", "certificate", CERT));
    ForgeApi.Answer clone = api.post(site + "/certificates", Map.of("type", "clone"));

    assertThat(noKey.status()).isEqualTo(422);
    assertThat(noKey.json().at("/key/0").asText())
        .isEqualTo("The key field is required when type is existing.");
    assertThat(notPem.status()).isEqualTo(422);
    assertThat(notPem.body()).doesNotContain("secret\"");
    assertThat(clone.status()).isEqualTo(422);
    assertThat(api.get(site + "/certificates").json().get("certificates")).isEmpty();
  }

  private static String site(ForgeApi api, String domain) {
    long serverId = forge.simulator().seedServer("main-" + domain);
    return "servers/" + serverId + "/sites/" + api.createSite(serverId, domain);
  }
}
