package dev.forgepreview.activities.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.HealthActivities.ConnectivityRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.ServerSocket;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthActivitiesImplTest {
  private final MockWebServer server = new MockWebServer();
  private TestActivityEnvironment env;
  private HealthActivities health;

  @BeforeEach
  void start() throws Exception {
    server.start();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HealthActivitiesImpl(
            new OkHttpClient(),
            new HealthConfig(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))));
    health =
        env.newActivityStub(
            HealthActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(20))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  private int check(String url) {
    return health.checkConnectivity(new ConnectivityRequest("req-1", url));
  }

  private static ApplicationFailure failureOf(Runnable call) {
    try {
      call.run();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure application) {
        return application;
      }
      throw e;
    }
    return fail("expected the check to fail");
  }

  @Test
  void aSuccessfulAnswerReturnsItsCode() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    assertThat(check(server.url("/").toString())).isEqualTo(200);
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
  }

  @Test
  void anyAnswerBelow500CountsAsReachable() {
    server.enqueue(new MockResponse.Builder().code(404).build());
    server.enqueue(new MockResponse.Builder().code(401).build());

    assertThat(check(server.url("/missing").toString())).isEqualTo(404);
    assertThat(check(server.url("/login").toString())).isEqualTo(401);
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/login").build());
    server.enqueue(new MockResponse.Builder().code(200).build());

    assertThat(check(server.url("/").toString())).isEqualTo(200);
    server.takeRequest();
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/login");
  }

  @Test
  void aServerErrorIsBenignlyNotReady() {
    server.enqueue(new MockResponse.Builder().code(503).build());

    ApplicationFailure failure = failureOf(() -> check(server.url("/").toString()));

    assertThat(failure.getType()).isEqualTo(FailureType.NOT_READY.name());
    assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("503");
  }

  @Test
  void aRefusedConnectionIsNotReady() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    ApplicationFailure failure = failureOf(() -> check("http://127.0.0.1:" + closedPort + "/"));

    assertThat(failure.getType()).isEqualTo(FailureType.NOT_READY.name());
    assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
  }

  @Test
  void aUrlThatIsNotHttpIsInvalidInput() {
    ApplicationFailure failure = failureOf(() -> check("ftp://example.com/"));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
  }

  @Test
  void sharesTheProcessWideConnectionPoolAndDispatcher() {
    HealthActivitiesImpl health = new HealthActivitiesImpl();

    assertThat(health.http().connectionPool()).isSameAs(SharedHttpClient.root().connectionPool());
    assertThat(health.http().dispatcher()).isSameAs(SharedHttpClient.root().dispatcher());
    assertThat(health.http().followRedirects()).isTrue();
  }
}
