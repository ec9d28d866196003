package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.WildcardCertificates;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.PreviewSettings.WildcardCertificate;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import dev.forgepreview.workflows.activities.SiteAccessActivities.InstallCertificateRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code certificate: wildcard} against the simulator: install the existing pair, activate. */
class WildcardCertificateTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final String CERT =
      "-----BEGIN CERTIFICATE-----\nMIIBwildcard-preview-example\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nMIIEkey-that-must-stay-secret\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;
  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private SiteAccessActivities activities;
  private long serverId;
  private long siteId;

  @BeforeEach
  void setUp() throws Exception {
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    Path certFile = dir.resolve("wildcard.crt");
    Files.writeString(certFile, CERT);
    Map<String, Optional<WildcardCertificate>> configured =
        Map.of(
            "acme/shop",
            Optional.of(new WildcardCertificate(certFile.toString(), "${env:WILDCARD_KEY}")),
            "acme/missing",
            Optional.of(
                new WildcardCertificate(dir.resolve("nope.crt").toString(), "${env:WILDCARD_KEY}")),
            "acme/blog",
            Optional.empty());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new SiteAccessActivitiesImpl(
            ForgeFixtures.client(simulator),
            new BasicAuthCredentials(ForgeFixtures.SECRETS, n -> null, r -> Optional.empty()),
            new WildcardCertificates(
                configured::get, name -> name.equals("WILDCARD_KEY") ? KEY : null)));
    activities =
        env.newActivityStub(
            SiteAccessActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    serverId = simulator.seedServer("shared");
    siteId =
        ForgeFixtures.client(simulator)
            .createSite(
                serverId,
                new NewSite("pr-42-shop.preview.example.com", "php", "/public", true, "u", "php83"))
            .id();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private InstallCertificateRequest request(String repository) {
    return new InstallCertificateRequest(
        "c1", serverId, siteId, "pr-42-shop.preview.example.com", repository);
  }

  @Test
  void installsTheExistingPairActivatesItAndAdoptsItOnRetry() {
    ApplicationFailure installing =
        failureOf(() -> activities.installCertificate(request("acme/shop")));
    assertThat(installing.getType()).isEqualTo("NOT_READY");
    assertThat(installing.getOriginalMessage()).doesNotContain("MIIE");

    simulator.manualClock().advance(simulator.settings().certificateInstallDuration());
    ApplicationFailure activating =
        failureOf(() -> activities.installCertificate(request("acme/shop")));
    assertThat(activating.getType()).isEqualTo("NOT_READY");
    simulator.manualClock().advance(simulator.settings().certificateActivationDuration());
    long id = activities.installCertificate(request("acme/shop"));
    long again = activities.installCertificate(request("acme/shop"));

    assertThat(again).isEqualTo(id);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates")).isEqualTo(1);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates/{id}/activate"))
        .isEqualTo(1);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates/letsencrypt"))
        .isZero();
    assertThat(simulator.installedCertificate(id)).isEqualTo(CERT.strip());
    assertThat(simulator.inventory().certificates())
        .singleElement()
        .satisfies(c -> assertThat(c.active()).isTrue());
  }

  @Test
  void anUnreadableFileOrNoConfigurationFailsAndNamesTheSourceOnly() {
    ApplicationFailure missing =
        failureOf(() -> activities.installCertificate(request("acme/missing")));
    ApplicationFailure none = failureOf(() -> activities.installCertificate(request("acme/blog")));

    assertThat(missing.getType()).isEqualTo("INVALID_INPUT");
    assertThat(missing.isNonRetryable()).isTrue();
    assertThat(missing.getOriginalMessage())
        .contains("wildcardCertificate.certificate", "nope.crt")
        .doesNotContain("MIIE");
    assertThat(none.getOriginalMessage()).contains("no wildcardCertificate");
    assertThat(simulator.inventory().certificates()).isEmpty();
  }
}
