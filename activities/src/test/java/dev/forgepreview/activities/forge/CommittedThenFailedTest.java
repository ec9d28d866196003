package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
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
    ForgeFixtures.handOnHeartbeats(env);
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

    long id;
    try (RetriedForgeCalls retried = new RetriedForgeCalls(simulator)) {
      id = retried.create("server", 0, 0, "pr-42-shop");
    }

    assertThat(simulator.inventory().servers())
        .filteredOn(s -> s.name().equals("pr-42-shop"))
        .extracting(s -> s.id())
        .containsExactly(id);
    assertThat(createdNamed("servers", "pr-42-shop")).isEqualTo(1);
    // The first attempt created at once; only the retry looked before creating.
    assertThat(calls(simulator, "POST", "servers")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers")).isEqualTo(1);
  }

  @Test
  void siteDatabaseAndUserCreatedBehindServerErrorsAreAdoptedByTheRetries() {
    zeroDurations();
    simulator
        .faults()
        .failNextAfterCommit("POST", "/sites$")
        .failNextAfterCommit("POST", "/databases$")
        .failNextAfterCommit("POST", "/database-users$");

    long site;
    long database;
    long user;
    try (RetriedForgeCalls retried = new RetriedForgeCalls(simulator)) {
      site = retried.create("site", serverId, 0, DOMAIN);
      database = retried.create("database", serverId, 0, "pr_42");
      user = retried.create("database-user", serverId, 0, "pr_42");
    }

    assertThat(simulator.inventory().sites()).extracting(s -> s.id()).containsExactly(site);
    assertThat(simulator.inventory().databases()).extracting(d -> d.id()).containsExactly(database);
    assertThat(simulator.inventory().databaseUsers()).extracting(u -> u.id()).containsExactly(user);
    assertThat(createdNamed("sites", DOMAIN)).isEqualTo(1);
    assertThat(createdNamed("databases", "pr_42")).isEqualTo(1);
    assertThat(createdNamed("databaseUsers", "pr_42")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/sites")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/databases")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/database-users")).isEqualTo(1);
  }

  @Test
  void aFirstAttemptCreatesWithoutLookingFirst() {
    zeroDurations();

    try (RetriedForgeCalls retried = new RetriedForgeCalls(simulator)) {
      long site = retried.create("site", serverId, 0, DOMAIN);
      retried.create("database", serverId, 0, "pr_42");
      retried.create("database-user", serverId, 0, "pr_42");
      retried.create("worker", serverId, site, "default");
      retried.create("certificate", serverId, site, DOMAIN);
    }

    assertThat(simulator.callCounts())
        .containsOnlyKeys(
            "POST /api/v1/servers/{id}/sites",
            "POST /api/v1/servers/{id}/databases",
            "POST /api/v1/servers/{id}/database-users",
            "POST /api/v1/servers/{id}/sites/{id}/workers",
            "POST /api/v1/servers/{id}/sites/{id}/certificates/letsencrypt")
        .allSatisfy((route, count) -> assertThat(count).isEqualTo(1L));
  }

  @Test
  void queueWorkerAndCertificateCreatedBehindServerErrorsAreAdoptedByTheRetries() {
    zeroDurations();
    simulator
        .faults()
        .failNextAfterCommit("POST", "/workers$")
        .failNextAfterCommit("POST", "/letsencrypt$");

    long worker;
    long certificate;
    try (RetriedForgeCalls retried = new RetriedForgeCalls(simulator)) {
      long site = retried.create("site", serverId, 0, DOMAIN);
      worker = retried.create("worker", serverId, site, "default");
      certificate = retried.create("certificate", serverId, site, DOMAIN);
    }

    assertThat(simulator.inventory().workers()).extracting(w -> w.id()).containsExactly(worker);
    assertThat(simulator.inventory().certificates())
        .extracting(c -> c.id())
        .containsExactly(certificate);
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

  /** Everything Forge installs is installed at once, so the retried calls need no clock. */
  private void zeroDurations() {
    simulator
        .settings()
        .siteInstallDuration(Duration.ZERO)
        .databaseInstallDuration(Duration.ZERO)
        .databaseUserInstallDuration(Duration.ZERO)
        .workerInstallDuration(Duration.ZERO)
        .certificateInstallDuration(Duration.ZERO)
        .certificateActivationDuration(Duration.ZERO);
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
