package dev.forgepreview.activities.github;

import static dev.forgepreview.activities.github.GitHubActivitiesImplTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecretsStayOutOfLogsTest {
  static final String TOKEN = "ghs_TOPSECRETinstallationTOKEN";
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  private final MockWebServer server = new MockWebServer();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Level rootLevel;
  private TestActivityEnvironment env;

  @BeforeEach
  void start() throws Exception {
    server.start();
    appender.start();
    root.addAppender(appender);
    rootLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void stop() {
    env.close();
    root.setLevel(rootLevel);
    root.detachAppender(appender);
    server.close();
  }

  @Test
  void neitherTheTokenNorTheJwtAppearInLogsOrFailures() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    AppCredentials credentials = AppCredentials.fromPem("12345", TestKeys.pkcs1Pem(), 99L, clock);
    GitHubClient client =
        new GitHubClient(
            GitHubConfig.withApiUrl(server.url("/").toString()),
            credentials,
            new OkHttpClient(),
            clock);
    env.registerActivitiesImplementations(new GitHubActivitiesImpl(client));
    GitHubActivities activities = GitHubActivitiesImplTest.stub(env);
    PullRequestRef pr = new PullRequestRef("acme", "shop", 42);
    List<String> texts = new ArrayList<>();

    // A full publish, then a malformed exchange answer quoting the token, then a 401.
    server.enqueue(AppCredentialsTest.token(TOKEN, NOW.plus(Duration.ofHours(1))));
    server.enqueue(GitHubActivitiesImplTest.json("[]"));
    server.enqueue(GitHubActivitiesImplTest.json(201, "{\"id\": 900}"));
    server.enqueue(GitHubActivitiesImplTest.json("[]"));
    server.enqueue(GitHubActivitiesImplTest.json(201, "{\"id\": 77}"));
    server.enqueue(GitHubActivitiesImplTest.json("[]"));
    server.enqueue(GitHubActivitiesImplTest.json(201, "{\"id\": 1}"));
    activities.publishStatus(new PublishStatusRequest(pr, Statuses.building()));

    clock.advance(Duration.ofHours(1));
    server.enqueue(
        new MockResponse.Builder().code(201).body("{\"token\": " + TOKEN + " oops").build());
    ApplicationFailure badAnswer = failureOf(() -> activities.resolvePullRequest(pr));
    texts.add(badAnswer.getMessage());

    server.enqueue(AppCredentialsTest.token(TOKEN, NOW.plus(Duration.ofHours(3))));
    server.enqueue(
        new MockResponse.Builder().code(401).body("{\"message\": \"Bad credentials\"}").build());
    ApplicationFailure unauthorized = failureOf(() -> activities.resolvePullRequest(pr));
    texts.add(unauthorized.getMessage());

    String jwt =
        server.takeRequest().getHeaders().get("Authorization").substring("Bearer ".length());
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(appender.list).isNotEmpty();
    for (ILoggingEvent event : appender.list) {
      texts.add(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }
    texts.add(credentials.toString());
    texts.add(client.toString());
    assertThat(texts)
        .allSatisfy(
            text ->
                assertThat(text)
                    .doesNotContain(TOKEN)
                    .doesNotContain(jwt)
                    .doesNotContain("PRIVATE"));
  }
}
