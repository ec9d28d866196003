package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.forge.Forge.Certificate;
import dev.forgepreview.activities.forge.Forge.Database;
import dev.forgepreview.activities.forge.Forge.DatabaseUser;
import dev.forgepreview.activities.forge.Forge.Deployment;
import dev.forgepreview.activities.forge.Forge.GitRepository;
import dev.forgepreview.activities.forge.Forge.NewDatabase;
import dev.forgepreview.activities.forge.Forge.NewDatabaseUser;
import dev.forgepreview.activities.forge.Forge.NewServer;
import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.forge.Forge.NewWorker;
import dev.forgepreview.activities.forge.Forge.Server;
import dev.forgepreview.activities.forge.Forge.Site;
import dev.forgepreview.activities.forge.Forge.Worker;
import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every call of the client against the simulator over real HTTP. */
class ForgeClientTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private ForgeSimulator simulator;
  private ForgeClient client;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    client = ForgeFixtures.client(simulator);
  }

  @Test
  void createsFindsAndDeletesServersAndSeesThemBecomeReady() {
    Server created =
        client.createServer(
            new NewServer("ocean2", 1L, "pr-1-shop", "app", "01", "ams2", "php83", "mysql8"));
    assertThat(created.name()).isEqualTo("pr-1-shop");
    assertThat(created.isReady()).isFalse();

    simulator.manualClock().advance(simulator.settings().serverReadyAfter());

    Server fetched = client.getServer(created.id());
    assertThat(fetched.isReady()).isTrue();
    assertThat(fetched.ipAddress()).isNotBlank();
    assertThat(client.listServers()).extracting(Server::id).contains(created.id());
    assertThat(client.findServerByName("pr-1-shop")).map(Server::id).contains(created.id());
    assertThat(client.findServerByName("nothing")).isEmpty();

    client.deleteServer(created.id());
    assertThat(client.findServerByName("pr-1-shop")).isEmpty();
  }

  @Test
  void createsFindsAndDeletesSites() {
    long serverId = simulator.seedServer("shared");
    Site site =
        client.createSite(
            serverId, new NewSite("pr-1-shop.example.com", "php", "/public", true, "pr1", null));
    assertThat(site.status()).isEqualTo("installing");
    assertThat(site.serverId()).isEqualTo(serverId);

    simulator.manualClock().advance(simulator.settings().siteInstallDuration());

    assertThat(client.getSite(serverId, site.id()).status()).isEqualTo("installed");
    assertThat(client.listSites(serverId)).extracting(Site::name).contains("pr-1-shop.example.com");
    assertThat(client.findSiteByDomain(serverId, "PR-1-shop.example.com"))
        .map(Site::id)
        .contains(site.id());

    client.deleteSite(serverId, site.id());
    assertThat(simulator.inventory().sites()).isEmpty();
  }

  @Test
  void managesDatabasesAndTheirUsers() {
    long serverId = simulator.seedServer("shared");
    Database database = client.createDatabase(serverId, new NewDatabase("pr_1"));
    DatabaseUser user =
        client.createDatabaseUser(
            serverId, new NewDatabaseUser("pr_1", "Secret123Secret123", List.of()));
    simulator.manualClock().advance(Duration.ofMinutes(1));

    assertThat(client.getDatabase(serverId, database.id()).status()).isEqualTo("installed");
    assertThat(client.listDatabases(serverId)).extracting(Database::name).containsExactly("pr_1");
    assertThat(client.findDatabaseByName(serverId, "pr_1"))
        .map(Database::id)
        .contains(database.id());
    assertThat(client.listDatabaseUsers(serverId)).extracting(DatabaseUser::name).contains("pr_1");
    assertThat(client.findDatabaseUserByName(serverId, "pr_1"))
        .map(DatabaseUser::id)
        .contains(user.id());

    DatabaseUser granted =
        client.updateDatabaseUserDatabases(serverId, user.id(), List.of(database.id()));
    assertThat(granted.databases()).containsExactly(database.id());
    assertThat(client.getDatabaseUser(serverId, user.id()).databases())
        .containsExactly(database.id());

    client.deleteDatabaseUser(serverId, user.id());
    client.deleteDatabase(serverId, database.id());
    assertThat(simulator.inventory().databases()).isEmpty();
    assertThat(simulator.inventory().databaseUsers()).isEmpty();
  }

  @Test
  void installsRepositoryWritesEnvironmentAndRunsWorkers() {
    long serverId = simulator.seedServer("shared");
    long siteId = installedSite(serverId);

    client.installGitRepository(
        serverId, siteId, new GitRepository("github", "acme/shop", "feature/x", false));
    assertThat(client.getSite(serverId, siteId).repositoryStatus()).isEqualTo("installing");
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    Site site = client.getSite(serverId, siteId);
    assertThat(site.repositoryStatus()).isEqualTo("installed");
    assertThat(site.repositoryBranch()).isEqualTo("feature/x");

    client.updateEnvironmentFile(serverId, siteId, "APP_ENV=testing\nAPP_NAME=\"My Shop\"\n");
    assertThat(client.getEnvironmentFile(serverId, siteId))
        .isEqualTo("APP_ENV=testing\nAPP_NAME=\"My Shop\"\n");

    Worker worker =
        client.createWorker(
            serverId, siteId, new NewWorker("redis", "default", 60, 3, null, 1, true, null));
    assertThat(client.listWorkers(serverId, siteId)).extracting(Worker::id).contains(worker.id());
    assertThat(client.getWorker(serverId, siteId, worker.id()).connection()).isEqualTo("redis");
    client.deleteWorker(serverId, siteId, worker.id());
    assertThat(client.listWorkers(serverId, siteId)).isEmpty();
  }

  @Test
  void obtainsListsAndDeletesLetsEncryptCertificates() {
    long serverId = simulator.seedServer("shared");
    long siteId = installedSite(serverId);

    Certificate requested =
        client.obtainLetsEncryptCertificate(serverId, siteId, List.of("pr-1.example.com"));
    assertThat(requested.type()).isEqualTo("letsencrypt");
    assertThat(requested.active()).isFalse();

    simulator.manualClock().advance(Duration.ofMinutes(5));

    Certificate active = client.getCertificate(serverId, siteId, requested.id());
    assertThat(active.active()).isTrue();
    assertThat(active.activationStatus()).isEqualTo("activated");
    assertThat(client.listCertificates(serverId, siteId))
        .extracting(Certificate::id)
        .containsExactly(requested.id());
    client.deleteCertificate(serverId, siteId, requested.id());
    assertThat(client.listCertificates(serverId, siteId)).isEmpty();
  }

  @Test
  void deploysAndReadsTheHistoryAndTheLog() {
    long serverId = simulator.seedServer("shared");
    long siteId = installedSite(serverId);
    client.installGitRepository(
        serverId, siteId, new GitRepository("github", "acme/shop", "main", false));
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());

    client.deploy(serverId, siteId);
    List<Deployment> history = client.listDeployments(serverId, siteId);
    assertThat(history).hasSize(1);
    assertThat(history.get(0).status()).isEqualTo("deploying");

    simulator.manualClock().advance(Duration.ofMinutes(2));
    client.deploy(serverId, siteId);
    List<Deployment> newestFirst = client.listDeployments(serverId, siteId);
    assertThat(newestFirst).hasSize(2);
    assertThat(newestFirst.get(0).id()).isGreaterThan(newestFirst.get(1).id());

    Deployment first = client.getDeployment(serverId, siteId, history.get(0).id());
    assertThat(first.status()).isEqualTo("finished");
    assertThat(first.commitHash()).isNotBlank();
    assertThat(client.getDeploymentLog(serverId, siteId)).contains("Deployment queued");
  }

  private long installedSite(long serverId) {
    Site site =
        client.createSite(
            serverId, new NewSite("pr-1.example.com", "php", "/public", true, "pr1", null));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    return site.id();
  }

  @Test
  void sharesTheProcessWideConnectionPoolAndDispatcher() {
    ForgeClient client = new ForgeClient(ForgeClientConfig.of("http://127.0.0.1:9/api/v1/", "t"));

    assertThat(client.http().connectionPool()).isSameAs(SharedHttpClient.root().connectionPool());
    assertThat(client.http().dispatcher()).isSameAs(SharedHttpClient.root().dispatcher());
    assertThat(client.http().followRedirects()).isFalse();
  }
}
