package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each client failure becomes an ApplicationFailure of its FailureType. */
class ForgeActivityFailuresTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private ForgeActivities activities;
  private long serverId;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
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
  void wrongTokenIsANonRetryableAuthenticationFailure() {
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    try {
      other.registerActivitiesImplementations(
          new ForgeActivitiesImpl(
              ForgeFixtures.client(simulator, "not-the-token"),
              PreviewSecrets.fromString("another-key-of-16-bytes"),
              name -> null));
      ApplicationFailure failure =
          failureOf(
              () ->
                  ForgeFixtures.stub(other)
                      .awaitServerReady(new AwaitServerRequest("r", serverId)));

      assertThat(failure.getType()).isEqualTo(FailureType.AUTHENTICATION.name());
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).doesNotContain("not-the-token");
    } finally {
      other.close();
    }
  }

  @Test
  void refusedNameIsANonRetryableValidationFailureNamingTheField() {
    ApplicationFailure failure =
        failureOf(
            () -> activities.createDatabase(new CreateDatabaseRequest("r", serverId, "bad-name")));

    assertThat(failure.getType()).isEqualTo(FailureType.VALIDATION.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("name: The name must only contain letters, numbers, and underscores.");
  }

  @Test
  void unknownServerIsNotFound() {
    ApplicationFailure failure =
        failureOf(() -> activities.awaitServerReady(new AwaitServerRequest("r", 987_654)));

    assertThat(failure.getType()).isEqualTo(FailureType.NOT_FOUND.name());
  }

  @Test
  void rateLimitIsRetriedAfterTheDelayForgeAskedFor() {
    simulator.faults().rateLimitNext(1);

    ApplicationFailure failure =
        failureOf(() -> activities.awaitServerReady(new AwaitServerRequest("r", serverId)));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay())
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  @Test
  void rateLimitWithoutRetryAfterUsesTheResetTime() {
    simulator.settings().sendRetryAfter(false).rateLimitPerMinute(1);
    activities.awaitServerReady(new AwaitServerRequest("r", serverId));
    simulator.manualClock().advance(Duration.ofSeconds(15));

    ApplicationFailure failure =
        failureOf(() -> activities.awaitServerReady(new AwaitServerRequest("r", serverId)));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void serverErrorIsTransient() {
    simulator.faults().serverErrors(1.0);

    ApplicationFailure failure =
        failureOf(() -> activities.awaitServerReady(new AwaitServerRequest("r", serverId)));

    assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
    assertThat(failure.isNonRetryable()).isFalse();
  }

  @Test
  void malformedAnswerIsABadResponse() {
    simulator.faults().respondWith("GET", "servers/\\d+$", 200, "{\"server\": \"nope\"}");

    ApplicationFailure failure =
        failureOf(() -> activities.awaitServerReady(new AwaitServerRequest("r", serverId)));

    assertThat(failure.getType()).isEqualTo(FailureType.BAD_RESPONSE.name());
  }

  @Test
  void refusedActionIsANonRetryableFailure() {
    CreateSiteRequest request =
        new CreateSiteRequest("r", serverId, "a.example.com", "pra", null, "/public");
    failureOf(() -> activities.createSite(request));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    SiteRef site = activities.createSite(request);

    ApplicationFailure failure =
        failureOf(
            () -> activities.deploySite(new DeployRequest("r", serverId, site.siteId(), "abc")));

    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("does not yet have an application installed");
  }
}
