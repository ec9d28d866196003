package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.github.FakeGitHubRepository;
import dev.forgepreview.activities.github.GitHubClient;
import dev.forgepreview.activities.github.GitHubConfig;
import dev.forgepreview.activities.github.PreviewFiles;
import dev.forgepreview.activities.github.TokenCredentials;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitSiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.PreviewFileEnvironment;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteCommandRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The preview file's parts that reach the site, on the simulator over HTTP with GitHub on a
 * MockWebServer: its environment values read again at the pinned commit, its deploy commands in the
 * script, its setup commands as site commands.
 */
class PreviewFileOnForgeTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final String FIRST = "1111111111111111111111111111111111111111";
  private static final String SECOND = "2222222222222222222222222222222222222222";
  private static final String PATH = ".forge-preview.yml";
  private static final String PREVIEW = "preview:acme:shop:42";

  private final MockWebServer github = new MockWebServer();
  private final FakeGitHubRepository repository = new FakeGitHubRepository("acme/shop", 42);
  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private ForgeActivities activities;
  private long serverId;
  private long siteId;

  @BeforeEach
  void setUp() throws IOException {
    github.setDispatcher(repository);
    github.start();
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    env = TestActivityEnvironment.newInstance();
    ForgeFixtures.handOnHeartbeats(env);
    PreviewFiles previewFiles =
        new PreviewFiles(
            new GitHubClient(
                GitHubConfig.withApiUrl(github.url("/").toString()),
                new TokenCredentials("ghp_test_token"),
                new OkHttpClient(),
                Clock.systemUTC()));
    env.registerActivitiesImplementations(
        new ForgeActivitiesImpl(
            ForgeFixtures.client(simulator),
            ForgeFixtures.SECRETS,
            Map.<String, String>of()::get,
            name -> name.equalsIgnoreCase("acme/shop") ? Map.of("MAIL_MAILER", "smtp") : null,
            name -> Optional.empty(),
            previewFiles));
    activities = ForgeFixtures.stub(env);
    serverId = simulator.seedServer("shared");
    CreateSiteRequest site =
        new CreateSiteRequest("r", serverId, "pr-42.example.com", "pr42", null, "/public");
    failureOf(() -> activities.createSite(site));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    siteId = activities.createSite(site).siteId();
    InstallRepositoryRequest install =
        new InstallRepositoryRequest("r", serverId, siteId, "github", "acme/shop", "main", true);
    failureOf(() -> activities.installRepository(install));
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    activities.installRepository(install);
  }

  @AfterEach
  void tearDown() {
    env.close();
    github.close();
  }

  private void writeEnvironment(String sha, List<String> keys) {
    activities.writeEnvironment(
        new WriteEnvironmentRequest(
            "r",
            serverId,
            siteId,
            PREVIEW,
            Map.of("APP_ENV", "testing", "MAIL_MAILER", ""),
            "acme/shop",
            new PreviewFileEnvironment("acme/shop", sha, PATH, keys)));
  }

  private String environmentFile() {
    return ForgeFixtures.client(simulator).getEnvironmentFile(serverId, siteId);
  }

  @Test
  void theSecondCommitsOverrideReachesTheEnvironment() {
    repository
        .file(FIRST, PATH, "environment:\n  MAIL_MAILER: log\n  SHOP_THEME: \"dark mode\"\n")
        .file(SECOND, PATH, "environment:\n  MAIL_MAILER: array\n  SHOP_THEME: \"dark mode\"\n");

    writeEnvironment(FIRST, List.of("MAIL_MAILER", "SHOP_THEME"));
    String first = environmentFile();
    writeEnvironment(SECOND, List.of("MAIL_MAILER", "SHOP_THEME"));
    String second = environmentFile();

    // The file's value wins over the repositories file's (smtp), and is quoted like any value.
    assertThat(first).contains("MAIL_MAILER=log\n").contains("SHOP_THEME=\"dark mode\"\n");
    assertThat(second).contains("MAIL_MAILER=array\n").doesNotContain("MAIL_MAILER=log");
    assertThat(second).contains("APP_ENV=testing\n").contains("DB_PASSWORD=");
    assertThat(repository.requested())
        .contains(
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + FIRST,
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + SECOND);
  }

  @Test
  void onlyTheKeysTheWorkflowNamedAreTaken() {
    repository.file(FIRST, PATH, "environment:\n  MAIL_MAILER: log\n  EXTRA: sneaked-in\n");

    writeEnvironment(FIRST, List.of("MAIL_MAILER"));

    assertThat(environmentFile()).contains("MAIL_MAILER=log\n").doesNotContain("EXTRA");
  }

  @Test
  void aFileGoneAtItsCommitWritesNothing() {
    ApplicationFailure failure = failureOf(() -> writeEnvironment(FIRST, List.of("MAIL_MAILER")));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/env")).isZero();
  }

  @Test
  void deployCommandsAreAppendedToThePinnedScript() {
    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest(
            "r",
            serverId,
            siteId,
            FIRST,
            "feature",
            "php83",
            null,
            null,
            List.of("php artisan storage:link", "php artisan config:cache")));

    String script = ForgeFixtures.client(simulator).getDeploymentScript(serverId, siteId);
    assertThat(script)
        .contains("git reset --hard '" + FIRST + "'")
        .contains(
            "'php8.3' artisan queue:restart\n"
                + "# forge-preview: deploy commands of the repository's preview file\n"
                + "php artisan storage:link\n"
                + "php artisan config:cache");
  }

  @Test
  void aDeployCommandOfTwoLinesIsRefused() {
    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeDeploymentScript(
                    new WriteDeploymentScriptRequest(
                        "r",
                        serverId,
                        siteId,
                        FIRST,
                        "feature",
                        "php83",
                        null,
                        null,
                        List.of("ls\nrm -rf /"))));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/deployment/script")).isZero();
  }

  @Test
  void aSiteCommandRunsUntilItFinished() {
    long commandId =
        activities.runSiteCommand(
            new SiteCommandRequest("r:1", serverId, siteId, "php artisan db:seed --force"));
    AwaitSiteCommandRequest await = new AwaitSiteCommandRequest("r:1", serverId, siteId, commandId);

    ApplicationFailure waiting = failureOf(() -> activities.awaitSiteCommand(await));
    simulator.manualClock().advance(simulator.settings().siteCommandQueueDuration());
    ApplicationFailure running = failureOf(() -> activities.awaitSiteCommand(await));
    simulator.manualClock().advance(simulator.settings().siteCommandDuration());
    SiteCommandRef done = activities.awaitSiteCommand(await);

    assertThat(waiting.getType()).isEqualTo(FailureType.NOT_READY.name());
    assertThat(waiting.getOriginalMessage()).endsWith("is waiting");
    assertThat(running.getOriginalMessage()).endsWith("is running");
    assertThat(done).isEqualTo(new SiteCommandRef(commandId, "finished"));
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/commands")).isEqualTo(1);
  }

  @Test
  void aFailedSiteCommandFailsForGoodWithItsOutput() {
    simulator.faults().failSiteCommands("db:seed");
    long commandId =
        activities.runSiteCommand(
            new SiteCommandRequest("r:1", serverId, siteId, "php artisan db:seed"));
    simulator
        .manualClock()
        .advance(
            simulator
                .settings()
                .siteCommandQueueDuration()
                .plus(simulator.settings().siteCommandDuration()));

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.awaitSiteCommand(
                    new AwaitSiteCommandRequest("r:1", serverId, siteId, commandId)));

    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("site command " + commandId);
    assertThat(failure.getDetails().get(0, String.class)).contains("exit status 1");
  }

  @Test
  void aRetriedStartAdoptsTheCommandItsEarlierAttemptStarted() {
    // The first attempt's answer is lost after Forge started the command.
    simulator.faults().failNextAfterCommit("POST", ".*/commands$");
    SiteCommandRequest request =
        new SiteCommandRequest("r:1", serverId, siteId, "php artisan db:seed");
    failureOf(() -> activities.runSiteCommand(request));

    long adopted = activities.runSiteCommand(request);

    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/commands")).isEqualTo(1);
    assertThat(ForgeFixtures.client(simulator).listSiteCommands(serverId, siteId))
        .singleElement()
        .satisfies(c -> assertThat(c.id()).isEqualTo(adopted));
  }

  @Test
  void anEmptyCommandIsRefusedBeforeForgeIsAsked() {
    ApplicationFailure failure =
        failureOf(
            () -> activities.runSiteCommand(new SiteCommandRequest("r", serverId, siteId, " ")));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/commands")).isZero();
  }
}
