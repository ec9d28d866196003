package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Neither the API token nor a derived password appears in a log line or a failure. */
class NoSecretsInLogsTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final String PREVIEW_ID = "preview:acme:shop:42";
  private static final String WORKER_SECRET = "s3cr3t-from-the-worker-env";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level rootLevel;
  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private ForgeActivities activities;

  @BeforeEach
  void setUp() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    appender.start();
    root.addAppender(appender);
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        ForgeFixtures.activities(simulator, Map.of("SHOP_KEY", WORKER_SECRET)));
    activities = ForgeFixtures.stub(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
    root.detachAppender(appender);
    root.setLevel(rootLevel);
  }

  @Test
  void neitherTokenNorPasswordIsLoggedOrReported() {
    String password = ForgeFixtures.SECRETS.databasePassword(PREVIEW_ID);
    List<String> reported = new ArrayList<>();
    long serverId = simulator.seedServer("shared");

    CreateDatabaseUserRequest user =
        new CreateDatabaseUserRequest("r", serverId, "pr_42", PREVIEW_ID);
    reported.add(failureOf(() -> activities.createDatabaseUser(user)).toString());
    simulator.manualClock().advance(simulator.settings().databaseUserInstallDuration());
    DatabaseUserRef created = activities.createDatabaseUser(user);
    reported.add(created.toString());
    // Forge refusing a user: the 422 must not carry what was sent.
    reported.add(
        failureOf(
                () ->
                    activities.createDatabaseUser(
                        new CreateDatabaseUserRequest("r", serverId, "bad name!", PREVIEW_ID)))
            .getOriginalMessage());

    CreateSiteRequest siteRequest =
        new CreateSiteRequest("r", serverId, "pr-42.example.com", "pr42", null, "/public");
    failureOf(() -> activities.createSite(siteRequest));
    simulator.manualClock().advance(simulator.settings().siteInstallDuration());
    SiteRef site = activities.createSite(siteRequest);
    InstallRepositoryRequest repository =
        new InstallRepositoryRequest("r", serverId, site.siteId(), "github", "a/b", "main", true);
    failureOf(() -> activities.installRepository(repository));
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    activities.installRepository(repository);
    activities.writeEnvironment(
        new WriteEnvironmentRequest(
            "r", serverId, site.siteId(), PREVIEW_ID, Map.of("SHOP_KEY", "${env:SHOP_KEY}"), null));
    reported.add(
        failureOf(
                () ->
                    activities.writeEnvironment(
                        new WriteEnvironmentRequest(
                            "r",
                            serverId,
                            site.siteId(),
                            PREVIEW_ID,
                            Map.of("BAD KEY", "x"),
                            null)))
            .toString());

    TestActivityEnvironment wrongToken = TestActivityEnvironment.newInstance();
    try {
      wrongToken.registerActivitiesImplementations(
          new ForgeActivitiesImpl(
              ForgeFixtures.client(simulator, simulator.token() + "-not"),
              ForgeFixtures.SECRETS,
              name -> null));
      ApplicationFailure failure =
          failureOf(
              () ->
                  ForgeFixtures.stub(wrongToken)
                      .awaitServerReady(new AwaitServerRequest("r", serverId)));
      reported.add(failure.toString());
      reported.add(String.valueOf(failure.getCause()));
    } finally {
      wrongToken.close();
    }

    String file = ForgeFixtures.client(simulator).getEnvironmentFile(serverId, site.siteId());
    assertThat(file).contains("DB_PASSWORD=" + password).contains("SHOP_KEY=" + WORKER_SECRET);
    assertThat(appender.list).isNotEmpty();
    List<String> lines = new ArrayList<>(reported);
    for (ILoggingEvent event : appender.list) {
      if (event.getLoggerName().startsWith("dev.forgepreview.simulator")) {
        continue;
      }
      lines.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    assertThat(lines)
        .allSatisfy(
            line ->
                assertThat(String.valueOf(line))
                    .doesNotContain(simulator.token())
                    .doesNotContain(password)
                    .doesNotContain(WORKER_SECRET));
  }
}
