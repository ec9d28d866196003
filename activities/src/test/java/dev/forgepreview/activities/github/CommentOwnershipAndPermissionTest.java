package dev.forgepreview.activities.github;

import static dev.forgepreview.activities.github.GitHubActivitiesImplTest.json;
import static dev.forgepreview.activities.github.GitHubActivitiesImplTest.quoted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.CommenterPermission;
import dev.forgepreview.workflows.activities.GitHubActivities.PermissionRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import dev.forgepreview.workflows.activities.GitHubActivities.RefuseCommandRequest;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Only the comment our own identity wrote is updated (anyone can paste the hidden marker), and a
 * commenter's permission comes from GitHub, cached briefly.
 */
class CommentOwnershipAndPermissionTest {
  private static final PullRequestRef PR = GitHubActivitiesImplTest.PR;
  private static final String MARKER = GitHubActivitiesImplTest.MARKER;
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(NOW);
  private TestActivityEnvironment env;

  @BeforeEach
  void start() throws Exception {
    server.start();
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  private GitHubActivities activities(GitHubCredentials credentials) {
    GitHubClient client =
        new GitHubClient(
            GitHubConfig.withApiUrl(server.url("/").toString()),
            credentials,
            new OkHttpClient(),
            clock);
    env.registerActivitiesImplementations(new GitHubActivitiesImpl(client, clock));
    return GitHubActivitiesImplTest.stub(env);
  }

  private GitHubActivities withToken() {
    return activities(new TokenCredentials("ghp_test_token"));
  }

  private static String comment(long id, String login, String body) {
    return "{\"id\": "
        + id
        + ", \"user\": {\"login\": \""
        + login
        + "\"}, \"body\": "
        + quoted(body)
        + "}";
  }

  private void enqueueDeploymentUnchanged() {
    server.enqueue(json("[{\"id\": 77, \"sha\": \"" + Statuses.SHA + "\"}]"));
    server.enqueue(json("[{\"id\": 1, \"state\": \"in_progress\"}]"));
  }

  @Test
  void aUsersCommentCarryingTheMarkerIsLeftAloneAndOursIsUpdated() throws Exception {
    GitHubActivities activities = withToken();
    server.enqueue(
        json(
            "["
                + comment(800, "mallory", MARKER + "\nPreview ready: https://evil.example")
                + ", "
                + comment(900, "preview-bot", MARKER + "\nold")
                + "]"));
    server.enqueue(json("{\"login\": \"preview-bot\"}"));
    server.enqueue(json("{\"id\": 900}"));
    enqueueDeploymentUnchanged();

    activities.publishStatus(new PublishStatusRequest(PR, Statuses.building()));

    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/issues/42/comments");
    RecordedRequest who = server.takeRequest();
    assertThat(who.getUrl().encodedPath()).isEqualTo("/user");
    assertThat(who.getHeaders().get("Authorization")).isEqualTo("Bearer ghp_test_token");
    RecordedRequest patch = server.takeRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/comments/900");
    server.takeRequest();
    server.takeRequest();
    assertThat(server.takeRequest(50, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void whenOnlySomeoneElsesCommentCarriesTheMarkerWePostOurOwn() throws Exception {
    GitHubActivities activities = withToken();
    server.enqueue(json("[" + comment(800, "mallory", MARKER + "\nfake") + "]"));
    server.enqueue(json("{\"login\": \"preview-bot\"}"));
    server.enqueue(json(201, "{\"id\": 901}"));
    enqueueDeploymentUnchanged();

    activities.publishStatus(new PublishStatusRequest(PR, Statuses.building()));

    server.takeRequest();
    server.takeRequest();
    RecordedRequest create = server.takeRequest();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/42/comments");
    assertThat(create.getBody().utf8()).contains(MARKER);
  }

  @Test
  void anAppsCommentIsItsBotUsers() throws Exception {
    GitHubActivities activities =
        activities(AppCredentials.fromPem("12345", TestKeys.pkcs8Pem(), 99L, clock));
    server.enqueue(AppCredentialsTest.token("ghs_installation", NOW.plusSeconds(3600)));
    server.enqueue(
        json(
            "["
                + comment(800, "forge-preview", MARKER + "\nsame name, but a user")
                + ", {\"id\": 900, \"user\": {\"login\": \"forge-preview[bot]\", \"type\": \"Bot\"},"
                + " \"performed_via_github_app\": {\"id\": 12345, \"slug\": \"forge-preview\"},"
                + " \"body\": "
                + quoted(MARKER + "\nold")
                + "}]"));
    server.enqueue(
        json("{\"id\": 12345, \"slug\": \"forge-preview\", \"name\": \"Forge Preview\"}"));
    server.enqueue(json("{\"id\": 900}"));
    enqueueDeploymentUnchanged();

    activities.publishStatus(new PublishStatusRequest(PR, Statuses.building()));

    server.takeRequest(); // installation token
    server.takeRequest(); // comments
    RecordedRequest app = server.takeRequest();
    assertThat(app.getUrl().encodedPath()).isEqualTo("/app");
    assertThat(app.getHeaders().get("Authorization")).startsWith("Bearer ey");
    RecordedRequest patch = server.takeRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/issues/comments/900");
  }

  @ParameterizedTest(name = "{0}/{1} → {2}")
  @CsvSource({
    "admin, admin, true",
    "write, maintain, true",
    "write, write, true",
    "read, triage, false",
    "read, read, false",
    "none, , false"
  })
  void writeMaintainAndAdminMayRunCommandsReadAndTriageMayNot(
      String permission, String role, boolean allowed) throws Exception {
    GitHubActivities activities = withToken();
    server.enqueue(
        json(
            "{\"permission\": \""
                + permission
                + "\""
                + (role == null ? "" : ", \"role_name\": \"" + role + "\"")
                + ", \"user\": {\"login\": \"bob\"}}"));

    CommenterPermission answer =
        activities.commenterPermission(new PermissionRequest("acme", "shop", "bob"));

    assertThat(answer.allowed()).isEqualTo(allowed);
    assertThat(answer.permission()).isEqualTo(role == null ? permission : role);
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/collaborators/bob/permission");
  }

  @Test
  void someoneGitHubDoesNotKnowAsACollaboratorHasNone() {
    GitHubActivities activities = withToken();
    server.enqueue(json(404, "{\"message\": \"Not Found\"}"));

    CommenterPermission answer =
        activities.commenterPermission(new PermissionRequest("acme", "shop", "stranger"));

    assertThat(answer).isEqualTo(new CommenterPermission("stranger", "none", false));
  }

  @Test
  void theAnswerIsCachedBriefly() throws Exception {
    GitHubActivities activities = withToken();
    server.enqueue(json("{\"permission\": \"write\", \"role_name\": \"write\"}"));
    server.enqueue(json("{\"permission\": \"read\", \"role_name\": \"read\"}"));
    PermissionRequest bob = new PermissionRequest("acme", "shop", "bob");

    assertThat(activities.commenterPermission(bob).allowed()).isTrue();
    clock.advance(Duration.ofSeconds(30));
    assertThat(activities.commenterPermission(bob).allowed()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(1);

    clock.advance(GitHubActivitiesImpl.PERMISSION_CACHE);
    assertThat(activities.commenterPermission(bob).allowed()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void anUnauthorizedTokenIsAnAuthenticationFailureNotARefusal() {
    GitHubActivities activities = withToken();
    server.enqueue(json(401, "{\"message\": \"Bad credentials\"}"));

    assertThat(
            GitHubActivitiesImplTest.failureOf(
                    () ->
                        activities.commenterPermission(
                            new PermissionRequest("acme", "shop", "bob")))
                .getType())
        .isEqualTo(FailureType.AUTHENTICATION.name());
  }

  @Test
  void aRefusalIsRepliedOnceWithWhy() throws Exception {
    GitHubActivities activities = withToken();
    RefuseCommandRequest refusal =
        new RefuseCommandRequest(
            PR, "delivery-7", "mallory", "/update", "needs write access; @mallory has read");
    server.enqueue(json("[]"));
    server.enqueue(json(201, "{\"id\": 950}"));

    activities.refuseCommand(refusal);

    server.takeRequest();
    RecordedRequest reply = server.takeRequest();
    assertThat(reply.getMethod()).isEqualTo("POST");
    assertThat(reply.getBody().utf8())
        .contains("<!-- forge-preview:reply:delivery-7 -->")
        .contains("@mallory: `/update` was not run")
        .contains("needs write access")
        .contains("write, maintain or admin");

    // The same refusal again (a retried activity) finds its reply and posts nothing.
    server.enqueue(
        json(
            "["
                + comment(950, "preview-bot", "<!-- forge-preview:reply:delivery-7 -->\nrefused")
                + "]"));
    server.enqueue(json("{\"login\": \"preview-bot\"}"));

    activities.refuseCommand(refusal);

    server.takeRequest();
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/user");
    assertThat(server.takeRequest(50, TimeUnit.MILLISECONDS)).isNull();
  }
}
