package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.simulator.Inventory;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateQueueWorkerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ForgeInventory;
import dev.forgepreview.workflows.activities.ForgeActivities.GrantDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstalledSite;
import dev.forgepreview.workflows.activities.ForgeActivities.ListPreviewResourcesRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.NamedResource;
import dev.forgepreview.workflows.activities.ForgeActivities.ObtainCertificateRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealthRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The activities against the simulator: find-or-create, polls, harmless deletes. */
class ForgeActivitiesTest {
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
    env.registerActivitiesImplementations(
        ForgeFixtures.activities(simulator, Map.of("SHOP_API_KEY", "from-the-worker")));
    ForgeFixtures.handOnHeartbeats(env);
    activities = ForgeFixtures.stub(env);
    serverId = simulator.seedServer("shared");
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void createsTheServerWithOneCallAndWaitsUntilItIsReady() {
    CreateServerRequest request = new CreateServerRequest("r1", "pr-42-shop", SPEC);

    ServerRef first = activities.createServer(request);

    assertThat(first.ready()).isFalse();
    assertThat(simulator.inventory().servers())
        .filteredOn(s -> s.name().equals("pr-42-shop"))
        .extracting(s -> s.id())
        .containsExactly(first.serverId());
    // A first attempt does not look for what no earlier attempt can have made.
    assertThat(simulator.callCounts()).containsOnlyKeys("POST /api/v1/servers");

    ApplicationFailure notReady =
        failureOf(
            () -> activities.awaitServerReady(new AwaitServerRequest("r2", first.serverId())));
    assertThat(notReady.getType()).isEqualTo("NOT_READY");
    assertThat(notReady.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
    assertThat(notReady.isNonRetryable()).isFalse();
    // What the server records and the Web UI shows: the message, no Java stack trace.
    assertThat(
            new io.temporal.failure.DefaultFailureConverter()
                .exceptionToFailure(
                    notReady, io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE)
                .getStackTrace())
        .isEmpty();

    simulator.manualClock().advance(simulator.settings().serverReadyAfter());

    ServerRef ready = activities.awaitServerReady(new AwaitServerRequest("r3", first.serverId()));
    assertThat(ready.ready()).isTrue();
    assertThat(ready.ipAddress()).isNotBlank();
  }

  @Test
  void serverThatNeverBecomesReadyKeepsPolling() {
    simulator.faults().serverNeverReady(true);
    ServerRef server = activities.createServer(new CreateServerRequest("r1", "pr-1-x", SPEC));
    simulator.manualClock().advance(Duration.ofHours(2));

    assertThat(
            failureOf(
                    () ->
                        activities.awaitServerReady(new AwaitServerRequest("r", server.serverId())))
                .getType())
        .isEqualTo("NOT_READY");
  }

  @Test
  void deletingAServerTwiceIsHarmless() {
    activities.createServer(new CreateServerRequest("r1", "pr-42-shop", SPEC));

    activities.deleteServer(new DeleteServerRequest("r2", "pr-42-shop"));
    activities.deleteServer(new DeleteServerRequest("r3", "pr-42-shop"));

    assertThat(simulator.inventory().servers())
        .extracting(Inventory.Server::name)
        .containsExactly("shared");
  }

  @Test
  void createsOneSiteWhenCalledTwiceAndReturnsOnceInstalled() {
    CreateSiteRequest request = siteRequest();

    assertThat(failureOf(() -> activities.createSite(request)).getType()).isEqualTo("NOT_READY");
    assertThat(failureOf(() -> activities.createSite(request)).getType()).isEqualTo("NOT_READY");
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    SiteRef site = activities.createSite(request);

    assertThat(site.domain()).isEqualTo(DOMAIN);
    // The attempts after the first read the site its first attempt created: still created.
    assertThat(site.created()).isTrue();
    assertThat(simulator.inventory().sites()).hasSize(1);
    assertThat(simulator.inventory().sites().get(0).id()).isEqualTo(site.siteId());
    assertThat(calls(simulator, "POST", "servers/{id}/sites")).isEqualTo(1);
    // The polls read the site by the id the first attempt recorded: no listing.
    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}")).isEqualTo(2);
    assertThat(calls(simulator, "GET", "servers/{id}/sites")).isZero();
  }

  @Test
  void adoptsSiteWhenForgeSaysTheDomainIsTaken() {
    long earlier =
        ForgeFixtures.client(simulator)
            .createSite(serverId, new NewSite(DOMAIN, "php", "/public", true, "pr42-shop", null))
            .id();
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());

    SiteRef site = activities.createSite(siteRequest());

    assertThat(site.siteId()).isEqualTo(earlier);
    // Adopted, so it may have deployed before: the first deployment will read the history.
    assertThat(site.created()).isFalse();
    assertThat(simulator.inventory().sites()).hasSize(1);
    assertThat(calls(simulator, "POST", "servers/{id}/sites")).isEqualTo(2);
  }

  @Test
  void deletingASiteThatNeverExistedIsHarmless() {
    activities.deleteSite(new DeleteSiteRequest("r", serverId, "nothing.example.com"));
    activities.deleteSite(new DeleteSiteRequest("r", 999_999, DOMAIN));

    assertThat(simulator.inventory().sites()).isEmpty();
  }

  @Test
  void deletesTheSiteByDomain() {
    readySite();

    activities.deleteSite(new DeleteSiteRequest("r", serverId, DOMAIN));
    activities.deleteSite(new DeleteSiteRequest("r", serverId, DOMAIN));

    assertThat(simulator.inventory().sites()).isEmpty();
    assertThat(calls(simulator, "DELETE", "servers/{id}/sites/{id}")).isEqualTo(1);
  }

  @Test
  void createsDatabaseAndUserOnceAndGrantsAccessOnce() {
    CreateDatabaseRequest db = new CreateDatabaseRequest("r", serverId, "pr_42");
    CreateDatabaseUserRequest user =
        new CreateDatabaseUserRequest("r", serverId, "pr_42", "preview:acme:shop:42");

    assertThat(failureOf(() -> activities.createDatabase(db)).getType()).isEqualTo("NOT_READY");
    simulator.manualClock().advance(Duration.ofMinutes(1));
    DatabaseRef database = activities.createDatabase(db);
    assertThat(failureOf(() -> activities.createDatabaseUser(user)).getType())
        .isEqualTo("NOT_READY");
    simulator.manualClock().advance(Duration.ofMinutes(1));
    DatabaseUserRef databaseUser = activities.createDatabaseUser(user);
    long userReads = calls(simulator, "GET", "servers/{id}/database-users/{id}");
    activities.grantDatabase(
        new GrantDatabaseRequest("r", serverId, databaseUser.userId(), database.databaseId()));
    // The first attempt grants without reading the user first.
    assertThat(calls(simulator, "GET", "servers/{id}/database-users/{id}")).isEqualTo(userReads);
    // A retry (an earlier attempt recorded something) reads the user and sees the grant is there.
    env.setHeartbeatDetails(0L);
    activities.grantDatabase(
        new GrantDatabaseRequest("r", serverId, databaseUser.userId(), database.databaseId()));

    Inventory inventory = simulator.inventory();
    assertThat(inventory.databases()).hasSize(1);
    assertThat(inventory.databaseUsers()).hasSize(1);
    assertThat(inventory.databaseUsers().get(0).databases()).containsExactly(database.databaseId());
    assertThat(calls(simulator, "POST", "servers/{id}/databases")).isEqualTo(1);
    assertThat(calls(simulator, "POST", "servers/{id}/database-users")).isEqualTo(1);
    assertThat(calls(simulator, "PUT", "servers/{id}/database-users/{id}")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/database-users/{id}"))
        .isEqualTo(userReads + 1);

    activities.deleteDatabaseUser(new DeleteDatabaseUserRequest("r", serverId, "pr_42"));
    activities.deleteDatabaseUser(new DeleteDatabaseUserRequest("r", serverId, "pr_42"));
    activities.deleteDatabase(new DeleteDatabaseRequest("r", serverId, "pr_42"));
    activities.deleteDatabase(new DeleteDatabaseRequest("r", serverId, "pr_42"));
    assertThat(simulator.inventory().isEmptyBesidesServers()).isTrue();
  }

  @Test
  void installsTheRepositoryOnceAndWaitsForIt() {
    SiteRef site = readySite();
    InstallRepositoryRequest request =
        new InstallRepositoryRequest(
            "r", serverId, site.siteId(), "github", "acme/shop", "feature/x", true);

    assertThat(failureOf(() -> activities.installRepository(request)).getType())
        .isEqualTo("NOT_READY");
    assertThat(failureOf(() -> activities.installRepository(request)).getType())
        .isEqualTo("NOT_READY");
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    InstalledSite installed = activities.installRepository(request);

    assertThat(installed.name()).isEqualTo(site.domain());
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/git")).isEqualTo(1);
    assertThat(simulator.inventory().sites().get(0).repositoryStatus()).isEqualTo("installed");
  }

  @Test
  void aRepositoryInstalledAtOnceCostsOneCallAndNoPoll() {
    SiteRef site = readySite();
    simulator.settings().repositoryInstallDuration(Duration.ZERO);
    long before = simulator.callCounts().values().stream().mapToLong(Long::longValue).sum();

    activities.installRepository(
        new InstallRepositoryRequest(
            "r", serverId, site.siteId(), "github", "acme/shop", "feature/x", true));

    assertThat(simulator.callCounts().values().stream().mapToLong(Long::longValue).sum() - before)
        .isEqualTo(1);
    assertThat(simulator.inventory().sites().get(0).repositoryStatus()).isEqualTo("installed");
  }

  @Test
  void writesTheEnvironmentWithTheDerivedPasswordAndResolvedValues() {
    SiteRef site = siteWithRepository();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("APP_ENV", "testing");
    variables.put("APP_NAME", "My \"Shop\"");
    variables.put("SHOP_API_KEY", "${env:SHOP_API_KEY}");
    variables.put("DB_DATABASE", "pr_42");

    activities.writeEnvironment(
        new WriteEnvironmentRequest(
            "r", serverId, site.siteId(), "preview:acme:shop:42", variables, null));

    String file = ForgeFixtures.client(simulator).getEnvironmentFile(serverId, site.siteId());
    String password = ForgeFixtures.SECRETS.databasePassword("preview:acme:shop:42");
    assertThat(file)
        .isEqualTo(
            "APP_ENV=testing\n"
                + "APP_NAME=\"My \\\"Shop\\\"\"\n"
                + "DB_DATABASE=pr_42\n"
                + "DB_PASSWORD="
                + password
                + "\n"
                + "SHOP_API_KEY=from-the-worker\n");
  }

  @Test
  void anEnvironmentWrittenAfterTheWorkflowSawTheInstallIsOneCall() {
    SiteRef site = siteWithRepository();
    long before = simulator.callCounts().values().stream().mapToLong(Long::longValue).sum();

    activities.writeEnvironment(
        new WriteEnvironmentRequest(
            "r",
            serverId,
            site.siteId(),
            "preview:acme:shop:42",
            Map.of("APP_ENV", "testing"),
            null,
            null,
            true));

    assertThat(simulator.callCounts().values().stream().mapToLong(Long::longValue).sum() - before)
        .isEqualTo(1);
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/env")).isEqualTo(1);
    assertThat(ForgeFixtures.client(simulator).getEnvironmentFile(serverId, site.siteId()))
        .contains("APP_ENV=testing\n")
        .contains("DB_PASSWORD=" + ForgeFixtures.SECRETS.databasePassword("preview:acme:shop:42"));
  }

  @Test
  void theInstallReturnsTheSiteAsItsAnswerShowedIt() {
    SiteRef site = readySite();
    simulator.settings().repositoryInstallDuration(Duration.ZERO);
    long before = simulator.callCounts().values().stream().mapToLong(Long::longValue).sum();

    InstalledSite installed =
        activities.installRepository(
            new InstallRepositoryRequest(
                "r", serverId, site.siteId(), "github", "acme/shop", "feature/x", true));

    assertThat(simulator.callCounts().values().stream().mapToLong(Long::longValue).sum() - before)
        .isEqualTo(1);

    ForgeClient client = ForgeFixtures.client(simulator);
    Forge.Site read = client.getSite(serverId, site.siteId());
    assertThat(installed)
        .isEqualTo(new InstalledSite(read.username(), read.name(), read.quickDeploy()));
    assertThat(installed.name()).isEqualTo(site.domain());
  }

  @Test
  void configuredValuesAreLookedUpByRepositoryInsteadOfTravellingInTheRequest() {
    SiteRef site = siteWithRepository();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("APP_ENV", "testing");
    variables.put("MAIL_PASSWORD", "");
    variables.put("SHOP_API_KEY", "");

    activities.writeEnvironment(
        new WriteEnvironmentRequest(
            "r", serverId, site.siteId(), "preview:acme:shop:42", variables, "Acme/Shop"));

    assertThat(ForgeFixtures.client(simulator).getEnvironmentFile(serverId, site.siteId()))
        .contains("APP_ENV=testing\n")
        .contains("MAIL_PASSWORD=" + ForgeFixtures.CONFIGURED_MAIL_PASSWORD + "\n")
        .contains("SHOP_API_KEY=from-the-worker\n");
  }

  @Test
  void aRepositoryNoLongerConfiguredGetsNoEnvironmentFile() {
    SiteRef site = siteWithRepository();

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeEnvironment(
                    new WriteEnvironmentRequest(
                        "r", serverId, site.siteId(), "p", Map.of("APP_ENV", "t"), "acme/gone")));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.getOriginalMessage()).contains("acme/gone");
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/env")).isZero();
  }

  @Test
  void waitsForTheRepositoryBeforeWritingTheEnvironment() {
    SiteRef site = readySite();

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeEnvironment(
                    new WriteEnvironmentRequest(
                        "r", serverId, site.siteId(), "p", Map.of("APP_ENV", "testing"), null)));

    assertThat(failure.getType()).isEqualTo("NOT_READY");
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/env")).isZero();
  }

  @Test
  void badVariableNameIsInvalidInput() {
    SiteRef site = readySite();

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeEnvironment(
                    new WriteEnvironmentRequest(
                        "r", serverId, site.siteId(), "p", Map.of("BAD-KEY", "x"), null)));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/env")).isZero();
  }

  @Test
  void unsetEnvironmentReferenceIsInvalidInput() {
    SiteRef site = readySite();

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeEnvironment(
                    new WriteEnvironmentRequest(
                        "r", serverId, site.siteId(), "p", Map.of("KEY", "${env:NOT_SET}"), null)));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.getOriginalMessage()).contains("NOT_SET");
  }

  @Test
  void createsOneQueueWorker() {
    SiteRef site = readySite();
    CreateQueueWorkerRequest request =
        new CreateQueueWorkerRequest("r", serverId, site.siteId(), "redis", "default", 2, 90);

    assertThat(failureOf(() -> activities.createQueueWorker(request)).getType())
        .isEqualTo("NOT_READY");
    simulator.manualClock().advance(simulator.settings().workerInstallDuration());
    long workerId = activities.createQueueWorker(request);

    assertThat(simulator.inventory().workers())
        .extracting(Inventory.Worker::id)
        .containsExactly(workerId);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/workers")).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}/workers")).isZero();
  }

  @Test
  void obtainsOneCertificateAndWaitsUntilItIsActive() {
    SiteRef site = readySite();
    ObtainCertificateRequest request =
        new ObtainCertificateRequest("r", serverId, site.siteId(), DOMAIN);

    assertThat(failureOf(() -> activities.obtainCertificate(request)).getType())
        .isEqualTo("NOT_READY");
    simulator.manualClock().advance(Duration.ofMinutes(5));
    long certificateId = activities.obtainCertificate(request);

    assertThat(simulator.inventory().certificates())
        .extracting(Inventory.Certificate::id)
        .containsExactly(certificateId);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates/letsencrypt"))
        .isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}/certificates")).isZero();
  }

  @Test
  void certificateThatForgeDroppedFailsInsteadOfAskingAgain() {
    SiteRef site = readySite();
    simulator.faults().failCertificates(true);
    ObtainCertificateRequest request =
        new ObtainCertificateRequest("r", serverId, site.siteId(), DOMAIN);
    AtomicReference<Long> requested = new AtomicReference<>();
    env.setActivityHeartbeatListener(Long.class, requested::set);

    assertThat(failureOf(() -> activities.obtainCertificate(request)).getType())
        .isEqualTo("NOT_READY");
    simulator.manualClock().advance(Duration.ofMinutes(5));
    env.setHeartbeatDetails(requested.get());
    ApplicationFailure failure = failureOf(() -> activities.obtainCertificate(request));

    assertThat(failure.getType()).isEqualTo("FAILED");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/certificates/letsencrypt"))
        .isEqualTo(1);
  }

  @Test
  void reportsTheSitesHealth() {
    SiteRef site = readySite();

    SiteHealth noRepository =
        activities.checkSiteHealth(new SiteHealthRequest("r", serverId, site.siteId()));
    SiteHealth missing = activities.checkSiteHealth(new SiteHealthRequest("r", serverId, 999_999));

    assertThat(noRepository.healthy()).isFalse();
    assertThat(noRepository.siteStatus()).isEqualTo("installed");
    assertThat(noRepository.detail()).contains("repository");
    assertThat(missing.healthy()).isFalse();
  }

  @Test
  void listsOnlyResourcesThatFollowOurNaming() {
    activities.createServer(new CreateServerRequest("r", "pr-7-shop", SPEC));
    readySite();
    ForgeFixtures.client(simulator)
        .createSite(serverId, new NewSite("blog.example.com", "php", "/public", false, null, null));
    failureOf(() -> activities.createDatabase(new CreateDatabaseRequest("r", serverId, "pr_42")));
    simulator.manualClock().advance(Duration.ofMinutes(1));

    ForgeInventory dedicated =
        activities.listPreviewResources(new ListPreviewResourcesRequest(null, "pr", null));
    ForgeInventory shared =
        activities.listPreviewResources(new ListPreviewResourcesRequest(serverId, "pr", null));
    ForgeInventory bySuffix =
        activities.listPreviewResources(
            new ListPreviewResourcesRequest(serverId, null, ".preview.example.com"));
    ForgeInventory nothing =
        activities.listPreviewResources(new ListPreviewResourcesRequest(serverId, " ", null));

    assertThat(dedicated.resources())
        .extracting(NamedResource::kind, NamedResource::name)
        .containsExactly(tuple("server", "pr-7-shop"));
    assertThat(shared.resources())
        .extracting(NamedResource::kind, NamedResource::name)
        .containsExactlyInAnyOrder(tuple("site", DOMAIN), tuple("database", "pr_42"));
    assertThat(shared.resources()).allSatisfy(r -> assertThat(r.createdAt()).isNotBlank());
    assertThat(shared.resources()).allSatisfy(r -> assertThat(r.serverId()).isEqualTo(serverId));
    assertThat(bySuffix.resources()).extracting(NamedResource::name).containsExactly(DOMAIN);
    assertThat(nothing.resources()).isEmpty();
  }

  /** The cleanup asks for everything and recognises its own names by their templates. */
  @Test
  void everythingIsListedWhenAskedSoCustomTemplatesAreSeen() {
    activities.createServer(new CreateServerRequest("r", "review-7", SPEC));
    readySite();
    ForgeFixtures.client(simulator)
        .createSite(serverId, new NewSite("blog.example.com", "php", "/public", false, null, null));
    failureOf(() -> activities.createDatabase(new CreateDatabaseRequest("r", serverId, "app_9")));
    simulator.manualClock().advance(Duration.ofMinutes(1));

    ForgeInventory servers =
        activities.listPreviewResources(ListPreviewResourcesRequest.everything(null));
    ForgeInventory onServer =
        activities.listPreviewResources(ListPreviewResourcesRequest.everything(serverId));

    assertThat(servers.resources())
        .extracting(NamedResource::kind, NamedResource::name)
        .contains(tuple("server", "review-7"));
    assertThat(onServer.resources())
        .extracting(NamedResource::kind, NamedResource::name)
        .contains(
            tuple("site", DOMAIN), tuple("site", "blog.example.com"), tuple("database", "app_9"));
  }

  private CreateSiteRequest siteRequest() {
    return new CreateSiteRequest("r", serverId, DOMAIN, "pr42-shop", null, "/public");
  }

  private SiteRef siteWithRepository() {
    SiteRef site = readySite();
    InstallRepositoryRequest request =
        new InstallRepositoryRequest(
            "r", serverId, site.siteId(), "github", "acme/shop", "main", true);
    failureOf(() -> activities.installRepository(request));
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    activities.installRepository(request);
    return site;
  }

  private SiteRef readySite() {
    failureOf(() -> activities.createSite(siteRequest()));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    return activities.createSite(siteRequest());
  }
}
