package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubActivitiesImplTest {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  static final PullRequestRef PR = new PullRequestRef("acme", "shop", 42);
  static final String MARKER = "<!-- forge-preview:preview:acme:shop:42 -->";

  /** The token's user, as {@code GET /user} and a comment's {@code user} show it. */
  static final String BOT = "{\"login\": \"preview-bot\", \"id\": 7, \"type\": \"User\"}";

  private final MockWebServer server = new MockWebServer();
  private boolean botLoginAsked;
  private TestActivityEnvironment env;
  private GitHubActivities activities;

  @BeforeEach
  void start() throws IOException {
    server.start();
    env = TestActivityEnvironment.newInstance();
    GitHubClient client =
        new GitHubClient(
            GitHubConfig.withApiUrl(server.url("/").toString()),
            new TokenCredentials("ghp_test_token"),
            new OkHttpClient(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    env.registerActivitiesImplementations(new GitHubActivitiesImpl(client));
    activities = stub(env);
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  static GitHubActivities stub(TestActivityEnvironment env) {
    return env.newActivityStub(
        GitHubActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(20))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .body(body)
        .build();
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static ApplicationFailure failureOf(Runnable call) {
    try {
      call.run();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure application) {
        return application;
      }
      throw e;
    }
    return fail("expected the activity to fail");
  }

  private void publish(PreviewStatus status) {
    activities.publishStatus(new PublishStatusRequest(PR, status));
  }

  @Test
  void resolvesThePullRequestHead() throws InterruptedException {
    server.enqueue(
        json(
            """
            {"number": 42, "state": "open", "title": "x",
             "head": {"ref": "feature/login", "sha": "%s",
                      "repo": {"full_name": "someone/shop", "id": 1}}}"""
                .formatted(Statuses.SHA)));

    PullRequestHead head = activities.resolvePullRequest(PR);

    assertThat(head)
        .isEqualTo(new PullRequestHead("feature/login", Statuses.SHA, "someone/shop", "open"));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/pulls/42");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer ghp_test_token");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/vnd.github+json");
    assertThat(request.getHeaders().get("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
    assertThat(request.getHeaders().get("User-Agent")).isEqualTo("forge-preview");
  }

  @Test
  void aHeadOfADeletedForkHasNoRepository() {
    server.enqueue(
        json(
            """
            {"state": "closed", "head": {"ref": "x", "sha": "%s", "repo": null}}"""
                .formatted(Statuses.SHA)));

    assertThat(activities.resolvePullRequest(PR).headRepository()).isNull();
  }

  @Test
  void aPullRequestWithoutHeadIsABadResponse() {
    server.enqueue(json("{\"state\": \"open\"}"));

    assertThat(failureOf(() -> activities.resolvePullRequest(PR)).getType())
        .isEqualTo(FailureType.BAD_RESPONSE.name());
  }

  @Test
  void malformedJsonIsABadResponse() {
    server.enqueue(json("<html>not json</html>"));

    ApplicationFailure failure = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(failure.getType()).isEqualTo(FailureType.BAD_RESPONSE.name());
    assertThat(failure.isNonRetryable()).isFalse();
  }

  @Test
  void createsTheCommentThenUpdatesTheSameOneFoundByMarkerAcrossPages() throws Exception {
    // First publish: no comment yet.
    server.enqueue(json("[{\"id\": 5, \"body\": \"LGTM\"}]"));
    server.enqueue(json(201, "{\"id\": 900, \"body\": \"...\"}"));
    enqueueDeploymentUnchanged("in_progress");

    publish(Statuses.building());

    RecordedRequest list = server.takeRequest();
    assertThat(list.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/42/comments");
    assertThat(list.getUrl().queryParameter("per_page")).isEqualTo("100");
    RecordedRequest create = server.takeRequest();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/42/comments");
    assertThat(create.getBody().utf8()).contains(MARKER).contains("Building");
    skip(2);

    // Second publish: ours is on page two.
    String page2 = server.url("/repositories/1/issues/42/comments?per_page=100&page=2").toString();
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .setHeader("Link", "<" + page2 + ">; rel=\"next\", <" + page2 + ">; rel=\"last\"")
            .body("[{\"id\": 5, \"body\": \"LGTM\"}, {\"id\": 6, \"body\": null}]")
            .build());
    server.enqueue(
        json(
            "[{\"id\": 900, \"user\": "
                + BOT
                + ", \"body\": "
                + quoted(MARKER + "\nold body")
                + "}, {\"id\": 901}]"));
    server.enqueue(json(BOT)); // GET /user: who we are, asked once
    server.enqueue(json("{\"id\": 900}"));
    enqueueDeploymentUnchanged("success");

    publish(Statuses.ready());

    assertThat(server.takeRequest().getUrl().queryParameter("page")).isNull();
    RecordedRequest second = server.takeRequest();
    assertThat(second.getUrl().encodedPath()).isEqualTo("/repositories/1/issues/42/comments");
    assertThat(second.getUrl().queryParameter("page")).isEqualTo("2");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/user");
    RecordedRequest patch = server.takeRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/comments/900");
    assertThat(patch.getBody().utf8()).contains(MARKER).contains(Statuses.URL);
    skip(2);
    assertThat(server.getRequestCount()).isEqualTo(10);
  }

  @Test
  void anUnchangedCommentIsNotPatchedAgain() throws Exception {
    String body = CommentRenderer.render("preview:acme:shop:42", Statuses.ready());
    server.enqueue(json("[{\"id\": 900, \"user\": " + BOT + ", \"body\": " + quoted(body) + "}]"));
    server.enqueue(json(BOT));
    enqueueDeploymentUnchanged("success");

    publish(Statuses.ready());

    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
  }

  @Test
  void createsTheDeploymentOnceAndItsStatusesFollowThePhases() throws Exception {
    // PROVISIONING: no deployment yet → create it, then in_progress.
    enqueueCommentExists();
    server.enqueue(json("[]"));
    server.enqueue(json(201, "{\"id\": 77, \"sha\": \"" + Statuses.SHA + "\"}"));
    server.enqueue(json("[]"));
    server.enqueue(json(201, "{\"id\": 1, \"state\": \"in_progress\"}"));

    publish(Statuses.of(Phase.PROVISIONING));

    skip(3);
    RecordedRequest find = server.takeRequest();
    assertThat(find.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/deployments");
    assertThat(find.getUrl().queryParameter("sha")).isEqualTo(Statuses.SHA);
    assertThat(find.getUrl().queryParameter("environment")).isEqualTo("preview/pr-42");
    RecordedRequest create = server.takeRequest();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getBody().utf8())
        .contains("\"ref\":\"" + Statuses.SHA + "\"")
        .contains("\"environment\":\"preview/pr-42\"")
        .contains("\"auto_merge\":false")
        .contains("\"required_contexts\":[]")
        .contains("\"transient_environment\":true")
        .contains("\"production_environment\":false");
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/deployments/77/statuses");
    RecordedRequest inProgress = server.takeRequest();
    assertThat(inProgress.getMethod()).isEqualTo("POST");
    assertThat(inProgress.getBody().utf8()).contains("\"state\":\"in_progress\"");

    // READY: the deployment is found again, not created; success with the URL.
    enqueueCommentExists();
    server.enqueue(json("[{\"id\": 77, \"sha\": \"" + Statuses.SHA + "\"}]"));
    server.enqueue(json("[{\"id\": 1, \"state\": \"in_progress\"}]"));
    server.enqueue(json(201, "{\"id\": 2, \"state\": \"success\"}"));

    publish(Statuses.ready());

    skip(3);
    assertThat(server.takeRequest().getUrl().queryParameter("per_page")).isEqualTo("1");
    RecordedRequest success = server.takeRequest();
    assertThat(success.getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/deployments/77/statuses");
    assertThat(success.getBody().utf8())
        .contains("\"state\":\"success\"")
        .contains("\"environment_url\":\"" + Statuses.URL + "\"");

    // FAILED → failure.
    enqueueCommentExists();
    server.enqueue(json("[{\"id\": 77}]"));
    server.enqueue(json("[{\"id\": 2, \"state\": \"success\"}]"));
    server.enqueue(json(201, "{\"id\": 3, \"state\": \"failure\"}"));

    publish(Statuses.failed());

    skip(4);
    assertThat(server.takeRequest().getBody().utf8())
        .contains("\"state\":\"failure\"")
        .doesNotContain("environment_url");

    // DESTROYED → inactive.
    enqueueCommentExists();
    server.enqueue(json("[{\"id\": 77}]"));
    server.enqueue(json("[{\"id\": 3, \"state\": \"failure\"}]"));
    server.enqueue(json(201, "{\"id\": 4, \"state\": \"inactive\"}"));

    publish(Statuses.of(Phase.DESTROYED));

    skip(4);
    assertThat(server.takeRequest().getBody().utf8()).contains("\"state\":\"inactive\"");
    assertThat(server.getRequestCount()).isEqualTo(22);
  }

  @Test
  void aStatusEqualToTheNewestIsNotPostedAgain() throws Exception {
    enqueueCommentExists();
    enqueueDeploymentUnchanged("in_progress");

    publish(Statuses.building());

    assertThat(server.getRequestCount()).isEqualTo(5);
    skip(5);
    assertThat(server.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void teardownCreatesNoDeploymentWhenThereIsNone() throws Exception {
    enqueueCommentExists();
    server.enqueue(json("[]"));

    publish(Statuses.of(Phase.DESTROYING));

    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void aSecondaryRateLimitOf429IsRateLimitedWithTheDelayAsked() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "17")
            .body("{\"message\": \"You have exceeded a secondary rate limit.\"}")
            .build());

    ApplicationFailure failure = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(17));
    assertThat(failure.getOriginalMessage()).contains("429").contains("secondary rate limit");
  }

  @Test
  void a403WithRetryAfterIsRateLimitedNotAuthentication() {
    server.enqueue(
        new MockResponse.Builder()
            .code(403)
            .setHeader("Retry-After", "60")
            .body("{\"message\": \"secondary rate limit\"}")
            .build());

    ApplicationFailure failure = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void anExhaustedRateLimitWaitsUntilItsReset() {
    server.enqueue(
        new MockResponse.Builder()
            .code(403)
            .setHeader("X-RateLimit-Remaining", "0")
            .setHeader("X-RateLimit-Reset", Long.toString(NOW.plusSeconds(120).getEpochSecond()))
            .body("{\"message\": \"API rate limit exceeded\"}")
            .build());

    ApplicationFailure failure = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void aServerErrorIsTransientAndRetryable() {
    server.enqueue(json(502, "{\"message\": \"Server Error\"}"));

    ApplicationFailure failure = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
    assertThat(failure.isNonRetryable()).isFalse();
  }

  @Test
  void unauthorizedAndForbiddenAreNonRetryableAuthenticationFailures() {
    server.enqueue(json(401, "{\"message\": \"Bad credentials\"}"));
    server.enqueue(json(403, "{\"message\": \"Resource not accessible by integration\"}"));

    ApplicationFailure unauthorized = failureOf(() -> activities.resolvePullRequest(PR));
    ApplicationFailure forbidden = failureOf(() -> activities.resolvePullRequest(PR));

    assertThat(unauthorized.getType()).isEqualTo(FailureType.AUTHENTICATION.name());
    assertThat(unauthorized.isNonRetryable()).isTrue();
    assertThat(forbidden.getType()).isEqualTo(FailureType.AUTHENTICATION.name());
    assertThat(forbidden.isNonRetryable()).isTrue();
    assertThat(forbidden.getOriginalMessage()).contains("Resource not accessible");
  }

  @Test
  void notFoundAndUnprocessableMapToTheirTypes() {
    server.enqueue(json(404, "{\"message\": \"Not Found\"}"));
    server.enqueue(json(200, "[]"));
    server.enqueue(json(422, "{\"message\": \"Validation Failed\"}"));

    assertThat(failureOf(() -> activities.resolvePullRequest(PR)).getType())
        .isEqualTo(FailureType.NOT_FOUND.name());
    ApplicationFailure validation = failureOf(() -> publish(Statuses.building()));
    assertThat(validation.getType()).isEqualTo(FailureType.VALIDATION.name());
    assertThat(validation.isNonRetryable()).isTrue();
  }

  @Test
  void anUnreachableApiIsTransient() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    try {
      other.registerActivitiesImplementations(
          new GitHubActivitiesImpl(
              new GitHubClient(
                  GitHubConfig.withApiUrl("http://127.0.0.1:" + closedPort + "/"),
                  new TokenCredentials("ghp_test_token"))));

      ApplicationFailure failure = failureOf(() -> stub(other).resolvePullRequest(PR));

      assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
    } finally {
      other.close();
    }
  }

  @Test
  void invalidInputIsRefusedBeforeAnyCall() {
    ApplicationFailure failure =
        failureOf(() -> activities.resolvePullRequest(new PullRequestRef("ac me", "shop", 42)));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aNextLinkOffTheApiIsNotFollowed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Link", "<https://evil.example.com/steal?page=2>; rel=\"next\"")
            .body("[]")
            .build());

    assertThat(failureOf(() -> publish(Statuses.building())).getType())
        .isEqualTo(FailureType.BAD_RESPONSE.name());
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  /** Our comment is there; the first time, the client asks who we are. */
  private void enqueueCommentExists() {
    server.enqueue(
        json("[{\"id\": 900, \"user\": " + BOT + ", \"body\": " + quoted(MARKER + "\nold") + "}]"));
    if (!botLoginAsked) {
      server.enqueue(json(BOT));
      botLoginAsked = true;
    }
    server.enqueue(json("{\"id\": 900}"));
  }

  private void enqueueDeploymentUnchanged(String state) {
    server.enqueue(json("[{\"id\": 77, \"sha\": \"" + Statuses.SHA + "\"}]"));
    server.enqueue(
        json(
            "[{\"id\": 1, \"state\": \""
                + state
                + "\", \"environment_url\": \""
                + Statuses.URL
                + "\"}]"));
  }

  private void skip(int requests) throws InterruptedException {
    for (int i = 0; i < requests; i++) {
      server.takeRequest();
    }
  }
}
