package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateQueueWorkerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ObtainCertificateRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forge carried a write out but its answer was a 500 (the simulator's after-commit fault, as the
 * fault soak injects at random): the activity fails retryably, and its retry adopts what the first
 * attempt made instead of making a second one.
 */
class CommittedThenFailedTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final ServerSpec SPEC =
      new ServerSpec("ocean2", 7L, "ams2", "01", "php83", "mysql8");
  private static final String DOMAIN = "pr-42-shop.preview.example.com";

  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private ForgeActivities activities;
  private long serverId;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(ForgeFixtures.activities(simulator, Map.of()));
    activities = ForgeFixtures.stub(env);
    serverId = simulator.seedServer("shared");
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void serverCreatedBehindAServerErrorIsAdoptedByTheRetry() {
    simulator.faults().failNextAfterCommit("POST", "/servers$");
    CreateServerRequest request = new CreateServerRequest("r", "pr-42-shop", SPEC);

    assertRetryable(failureOf(() -> activities.createServer(request)));
    activities.createServer(request);

    assertThat(simulator.inventory().servers())
        .filteredOn(s -> s.name().equals("pr-42-shop"))
        .hasSize(1);
    assertThat(createdNamed("servers", "pr-42-shop")).isEqualTo(1);
  }

  @Test
  void siteDatabaseAndUserCreatedBehindServerErrorsAreAdoptedByTheRetries() {
    simulator
        .faults()
        .failNextAfterCommit("POST", "/sites$")
        .failNextAfterCommit("POST", "/databases$")
        .failNextAfterCommit("POST", "/database-users$");
    CreateSiteRequest site = new CreateSiteRequest("r", serverId, DOMAIN, "pr42-shop", null, "/");
    CreateDatabaseRequest db = new CreateDatabaseRequest("r", serverId, "pr_42");
    CreateDatabaseUserRequest user =
        new CreateDatabaseUserRequest("r", serverId, "pr_42", "preview:acme:shop:42");

    assertRetryable(failureOf(() -> activities.createSite(site)));
    assertRetryable(failureOf(() -> activities.createDatabase(db)));
    assertRetryable(failureOf(() -> activities.createDatabaseUser(user)));
    simulator.manualClock().advance(Duration.ofMinutes(5));
    activities.createSite(site);
    activities.createDatabase(db);
    activities.createDatabaseUser(user);

    assertThat(simulator.inventory().sites()).hasSize(1);
    assertThat(simulator.inventory().databases()).hasSize(1);
    assertThat(simulator.inventory().databaseUsers()).hasSize(1);
    assertThat(createdNamed("sites", DOMAIN)).isEqualTo(1);
    assertThat(createdNamed("databases", "pr_42")).isEqualTo(1);
    assertThat(createdNamed("databaseUsers", "pr_42")).isEqualTo(1);
  }

  @Test
  void queueWorkerAndCertificateCreatedBehindServerErrorsAreAdoptedByTheRetries() {
    SiteRef site = readySite();
    simulator
        .faults()
        .failNextAfterCommit("POST", "/workers$")
        .failNextAfterCommit("POST", "/letsencrypt$");
    CreateQueueWorkerRequest worker =
        new CreateQueueWorkerRequest("r", serverId, site.siteId(), "redis", "default", 1, 60);
    ObtainCertificateRequest certificate =
        new ObtainCertificateRequest("r", serverId, site.siteId(), DOMAIN);

    assertRetryable(failureOf(() -> activities.createQueueWorker(worker)));
    assertRetryable(failureOf(() -> activities.obtainCertificate(certificate)));
    simulator.manualClock().advance(Duration.ofMinutes(5));
    activities.createQueueWorker(worker);
    activities.obtainCertificate(certificate);

    assertThat(simulator.inventory().workers()).hasSize(1);
    assertThat(simulator.inventory().certificates()).hasSize(1);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/workers")).isEqualTo(1);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates/letsencrypt"))
        .isEqualTo(1);
  }

  @Test
  void deleteCarriedOutBehindAServerErrorIsDoneWhenRetried() {
    readySite();
    activities.createServer(new CreateServerRequest("r", "pr-43-shop", SPEC));
    simulator
        .faults()
        .failNextAfterCommit("DELETE", "/sites/\\d+$")
        .failNextAfterCommit("DELETE", "/servers/\\d+$");

    assertRetryable(
        failureOf(() -> activities.deleteSite(new DeleteSiteRequest("r", serverId, DOMAIN))));
    assertRetryable(
        failureOf(() -> activities.deleteServer(new DeleteServerRequest("r", "pr-43-shop"))));
    activities.deleteSite(new DeleteSiteRequest("r", serverId, DOMAIN));
    activities.deleteServer(new DeleteServerRequest("r", "pr-43-shop"));

    assertThat(simulator.inventory().sites()).isEmpty();
    assertThat(simulator.inventory().servers()).extracting(s -> s.name()).containsExactly("shared");
  }

  private SiteRef readySite() {
    CreateSiteRequest request =
        new CreateSiteRequest("r", serverId, DOMAIN, "pr42-shop", null, "/");
    failureOf(() -> activities.createSite(request));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    return activities.createSite(request);
  }

  private int createdNamed(String kind, String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> entry = (Map<String, Object>) simulator.created().get(kind);
    @SuppressWarnings("unchecked")
    Map<String, Integer> byName = (Map<String, Integer>) entry.get("byName");
    return byName.getOrDefault(name, 0);
  }

  private static void assertRetryable(ApplicationFailure failure) {
    assertThat(failure.isNonRetryable()).as(failure.getOriginalMessage()).isFalse();
  }
}
