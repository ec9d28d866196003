package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.DeploymentLogTail;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstalledSite;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deploying starts at most one deployment per request; waiting reports how it ended. */
class DeploySiteTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final String DEPLOY = "servers/{id}/sites/{id}/deployment/deploy";

  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private ForgeActivities activities;
  private long serverId;
  private long siteId;
  private InstalledSite installed;
  private final AtomicReference<Long> heartbeat = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(ForgeFixtures.activities(simulator, Map.of()));
    env.setActivityHeartbeatListener(Long.class, heartbeat::set);
    activities = ForgeFixtures.stub(env);
    serverId = simulator.seedServer("shared");
    CreateSiteRequest site =
        new CreateSiteRequest("r", serverId, "pr-1.example.com", "pr1", null, "/public");
    failureOf(() -> activities.createSite(site));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    siteId = activities.createSite(site).siteId();
    // Installed at once, so the install is this preview's own and hands the site on.
    simulator.settings().repositoryInstallDuration(Duration.ZERO);
    installed =
        activities.installRepository(
            new InstallRepositoryRequest(
                "r", serverId, siteId, "github", "acme/shop", "main", true));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void deploysAndWaitsUntilTheDeploymentFinished() {
    DeploymentRef started = activities.deploySite(request());
    AwaitDeploymentRequest await =
        new AwaitDeploymentRequest("r", serverId, siteId, started.deploymentId());

    ApplicationFailure running = failureOf(() -> activities.awaitDeployment(await));
    assertThat(running.getType()).isEqualTo(FailureType.NOT_READY.name());
    assertThat(running.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);

    simulator.manualClock().advance(Duration.ofMinutes(2));
    DeploymentRef finished = activities.awaitDeployment(await);

    assertThat(started.deploymentId()).isPositive();
    assertThat(finished.deploymentId()).isEqualTo(started.deploymentId());
    assertThat(finished.status()).isEqualTo("finished");
    assertThat(finished.commitHash()).isNotBlank();
  }

  @Test
  void retryAfterThePostSucceededAdoptsTheDeploymentInsteadOfStartingAnother() {
    DeploymentRef first = activities.deploySite(request());
    // The first attempt's answer was lost (say, a timeout); Temporal hands its heartbeat over.
    env.setHeartbeatDetails(heartbeat.get());

    DeploymentRef retried = activities.deploySite(request());

    assertThat(retried.deploymentId()).isEqualTo(first.deploymentId());
    assertThat(calls(simulator, "POST", DEPLOY)).isEqualTo(1);
    assertThat(ForgeFixtures.client(simulator).listDeployments(serverId, siteId)).hasSize(1);
  }

  @Test
  void retryAfterTheHeartbeatWasLostAdoptsTheRunningDeployment() {
    DeploymentRef first = activities.deploySite(request());

    DeploymentRef retried = activities.deploySite(request());

    assertThat(retried.deploymentId()).isEqualTo(first.deploymentId());
    // The second POST was refused with 400 "already deploying".
    assertThat(calls(simulator, "POST", DEPLOY)).isEqualTo(2);
    assertThat(ForgeFixtures.client(simulator).listDeployments(serverId, siteId)).hasSize(1);
  }

  @Test
  void retryWhoseEarlierPostNeverArrivedDeploysNow() {
    long baseline = activities.deploySite(request()).deploymentId();
    simulator.manualClock().advance(Duration.ofMinutes(2));
    env.setHeartbeatDetails(baseline);

    DeploymentRef retried = activities.deploySite(request());

    assertThat(retried.deploymentId()).isGreaterThan(baseline);
    assertThat(calls(simulator, "POST", DEPLOY)).isEqualTo(2);
  }

  @Test
  void theFirstDeploymentOfANewSiteIsOneCallAndTheWaitReadsItAsTheNewest() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest(
            "r", serverId, siteId, sha, "main", "php83", null, null, null, installed));
    long before = total();

    DeploymentRef started =
        activities.deploySite(new DeployRequest("r", serverId, siteId, sha, true));

    // One POST; no history read before it (the site never deployed) nor after it.
    assertThat(total() - before).isEqualTo(1);
    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}/deployment-history")).isZero();
    assertThat(started.deploymentId()).isZero();
    AwaitDeploymentRequest await = new AwaitDeploymentRequest("r", serverId, siteId, 0);
    assertThat(failureOf(() -> activities.awaitDeployment(await)).getType())
        .isEqualTo(FailureType.NOT_READY.name());
    simulator.manualClock().advance(Duration.ofMinutes(2));
    DeploymentRef finished = activities.awaitDeployment(await);
    long only = ForgeFixtures.client(simulator).listDeployments(serverId, siteId).get(0).id();
    assertThat(finished.deploymentId()).isEqualTo(only).isPositive();
    assertThat(finished.commitHash()).isEqualTo(sha);
  }

  @Test
  void aRetryOfTheFirstDeploymentAdoptsItInsteadOfStartingAnother() {
    activities.deploySite(new DeployRequest("r", serverId, siteId, "abc1234", true));
    // The answer was lost; Temporal hands the attempt's heartbeat (baseline 0) over.
    assertThat(heartbeat.get()).isZero();
    env.setHeartbeatDetails(heartbeat.get());

    DeploymentRef retried =
        activities.deploySite(new DeployRequest("r", serverId, siteId, "abc1234", true));

    assertThat(calls(simulator, "POST", DEPLOY)).isEqualTo(1);
    assertThat(ForgeFixtures.client(simulator).listDeployments(serverId, siteId))
        .singleElement()
        .satisfies(d -> assertThat(d.id()).isEqualTo(retried.deploymentId()));
  }

  @Test
  void theSiteTheInstallSawSparesTheScriptItsRead() {
    assertThat(installed).isEqualTo(new InstalledSite("pr1", "pr-1.example.com", false));
    long siteReads = calls(simulator, "GET", "servers/{id}/sites/{id}");

    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest(
            "r", serverId, siteId, "abc1234", "main", "php83", null, null, null, installed));

    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}")).isEqualTo(siteReads);
    assertThat(ForgeFixtures.client(simulator).getDeploymentScript(serverId, siteId))
        .contains("cd '/home/pr1/pr-1.example.com'")
        .contains("git reset --hard 'abc1234'");
  }

  @Test
  void quickDeployTheInstallSawOnIsTurnedOffWithoutReadingTheSite() {
    simulator.settings().quickDeployOnInstall(true);
    simulator.settings().repositoryInstallDuration(Duration.ZERO);
    CreateSiteRequest other =
        new CreateSiteRequest("r", serverId, "pr-2.example.com", "pr2", null, "/public");
    failureOf(() -> activities.createSite(other));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    long otherId = activities.createSite(other).siteId();
    InstalledSite seen =
        activities.installRepository(
            new InstallRepositoryRequest(
                "r", serverId, otherId, "github", "acme/shop", "main", true));
    assertThat(seen.quickDeploy()).isTrue();
    long siteReads = calls(simulator, "GET", "servers/{id}/sites/{id}");

    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest(
            "r", serverId, otherId, "abc1234", "main", null, null, null, null, seen));

    assertThat(calls(simulator, "GET", "servers/{id}/sites/{id}")).isEqualTo(siteReads);
    assertThat(ForgeFixtures.client(simulator).getSite(serverId, otherId).quickDeploy()).isFalse();
  }

  private long total() {
    return simulator.callCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void failedDeploymentIsANonRetryableFailureWithTheEndOfTheLog() {
    simulator.faults().failNextDeploys(1);
    DeploymentRef started = activities.deploySite(request());
    simulator.manualClock().advance(Duration.ofMinutes(2));

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.awaitDeployment(
                    new AwaitDeploymentRequest("r", serverId, siteId, started.deploymentId())));

    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("deployment " + started.deploymentId() + " of site " + siteId + " failed");
    assertThat(failure.getDetails().get(0, String.class)).endsWith("exited with status 1");
  }

  @Test
  void failedDeploymentKeepsTheRedactedEndOfALongLog() {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      log.append("line ").append(i).append(" of the composer output\n");
    }
    log.append("DB_PASSWORD=hunter2-very-secret\n");
    log.append("Deployment script exited with status 1: migration 2024_01_01 failed\n");
    simulator.faults().respondWith("GET", "/deployment/log$", 200, log.toString(), "text/plain");
    simulator.faults().failNextDeploys(1);
    DeploymentRef started = activities.deploySite(request());
    simulator.manualClock().advance(Duration.ofMinutes(2));

    ApplicationFailure failure =
        failureOf(
            () ->
                activities.awaitDeployment(
                    new AwaitDeploymentRequest("r", serverId, siteId, started.deploymentId())));

    String tail = failure.getDetails().get(0, String.class);
    assertThat(tail)
        .endsWith("exited with status 1: migration 2024_01_01 failed")
        .contains("line 200 of")
        .doesNotContain("line 1 of")
        .doesNotContain("hunter2");
    assertThat(tail.lines()).hasSize(DeploymentLogTail.MAX_LINES);
    assertThat(tail.length()).isLessThanOrEqualTo(DeploymentLogTail.MAX_CHARS);
  }

  @Test
  void theScriptIsPinnedToTheShaAndTheDeploymentReportsThatCommit() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest("r", serverId, siteId, sha, "feature/x", "php83", null));

    String script = ForgeFixtures.client(simulator).getDeploymentScript(serverId, siteId);
    assertThat(script)
        .contains("cd '/home/pr1/pr-1.example.com'")
        .contains("git reset --hard '" + sha + "'")
        .contains("'php8.3' artisan migrate --force")
        .doesNotContain("git pull");

    DeploymentRef started = activities.deploySite(request());
    simulator.manualClock().advance(Duration.ofMinutes(2));
    DeploymentRef finished =
        activities.awaitDeployment(
            new AwaitDeploymentRequest("r", serverId, siteId, started.deploymentId()));
    assertThat(finished.commitHash()).isEqualTo(sha);
  }

  @Test
  void quickDeployThatForgeTurnedOnIsTurnedOffBeforeTheScriptIsWritten() {
    simulator.settings().quickDeployOnInstall(true);
    CreateSiteRequest other =
        new CreateSiteRequest("r", serverId, "pr-2.example.com", "pr2", null, "/public");
    failureOf(() -> activities.createSite(other));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    long otherId = activities.createSite(other).siteId();
    InstallRepositoryRequest repository =
        new InstallRepositoryRequest("r", serverId, otherId, "github", "acme/shop", "main", true);
    activities.installRepository(repository);
    ForgeClient client = ForgeFixtures.client(simulator);
    assertThat(client.getSite(serverId, otherId).quickDeploy()).isTrue();

    activities.writeDeploymentScript(
        new WriteDeploymentScriptRequest("r", serverId, otherId, "abc1234", "main", null, null));

    assertThat(client.getSite(serverId, otherId).quickDeploy()).isFalse();
    assertThat(calls(simulator, "DELETE", "servers/{id}/sites/{id}/deployment")).isEqualTo(1);
  }

  @Test
  void aRedeployWritesTheTemplateTheRepositoriesFileHoldsNow() {
    AtomicReference<Optional<String>> configured =
        new AtomicReference<>(Optional.of("echo edited {branch}\ngit reset --hard {sha}\n"));
    TestActivityEnvironment reloading = TestActivityEnvironment.newInstance();
    try {
      reloading.registerActivitiesImplementations(
          new ForgeActivitiesImpl(
              ForgeFixtures.client(simulator),
              ForgeFixtures.SECRETS,
              name -> null,
              repository -> Map.of(),
              repository -> repository.equals("acme/shop") ? configured.get() : null));
      ForgeActivities forge = ForgeFixtures.stub(reloading);
      ForgeClient client = ForgeFixtures.client(simulator);
      String carried = "echo carried\ngit reset --hard {sha}\n";

      // The template carried by the running preview is older than the file's.
      forge.writeDeploymentScript(
          new WriteDeploymentScriptRequest(
              "r", serverId, siteId, "abc1234", "main", null, carried, "acme/shop"));
      assertThat(client.getDeploymentScript(serverId, siteId))
          .contains("echo edited 'main'")
          .doesNotContain("carried");

      // The edit removed the key: the default script, not the carried template.
      configured.set(Optional.empty());
      forge.writeDeploymentScript(
          new WriteDeploymentScriptRequest(
              "r", serverId, siteId, "abc1234", "main", null, carried, "acme/shop"));
      assertThat(client.getDeploymentScript(serverId, siteId))
          .contains("git reset --hard 'abc1234'")
          .doesNotContain("carried")
          .doesNotContain("edited");

      // A repository no longer in the file, or a request recorded before: what was carried.
      forge.writeDeploymentScript(
          new WriteDeploymentScriptRequest(
              "r", serverId, siteId, "abc1234", "main", null, carried, "gone/repo"));
      assertThat(client.getDeploymentScript(serverId, siteId)).contains("echo carried");
    } finally {
      reloading.close();
    }
  }

  @Test
  void aTemplateThatDoesNotPinTheShaIsInvalidInputAndWritesNothing() {
    ApplicationFailure failure =
        failureOf(
            () ->
                activities.writeDeploymentScript(
                    new WriteDeploymentScriptRequest(
                        "r", serverId, siteId, "abc1234", "main", null, "git pull\n")));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(calls(simulator, "PUT", "servers/{id}/sites/{id}/deployment/script")).isZero();
  }

  @Test
  void deploymentIdZeroWaitsForTheNewestDeployment() {
    activities.deploySite(request());
    simulator.manualClock().advance(Duration.ofMinutes(2));

    DeploymentRef finished =
        activities.awaitDeployment(new AwaitDeploymentRequest("r", serverId, siteId, 0));

    assertThat(finished.status()).isEqualTo("finished");
  }

  private DeployRequest request() {
    return new DeployRequest("r", serverId, siteId, "abc123");
  }
}
