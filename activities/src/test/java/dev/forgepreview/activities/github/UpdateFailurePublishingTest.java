package dev.forgepreview.activities.github;

import static dev.forgepreview.activities.github.GitHubActivitiesImplTest.json;
import static dev.forgepreview.activities.github.GitHubActivitiesImplTest.quoted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.ForgeResources;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateFailure;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failed update on GitHub: the failed commit's deployment gets {@code failure} with a short
 * description and the comment as {@code log_url}; the deployment of the commit still served keeps
 * its success; the comment says the update failed and shows the end of the log.
 */
class UpdateFailurePublishingTest {
  private static final String FAILED_SHA = "bbbbbbb2bbbbbbb2bbbbbbb2bbbbbbb2bbbbbbb2";
  private static final String COMMENT_URL = "https://github.com/acme/shop/pull/42#issuecomment-900";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockWebServer server = new MockWebServer();
  private TestActivityEnvironment env;
  private GitHubActivities activities;

  @BeforeEach
  void start() throws IOException {
    server.start();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new GitHubActivitiesImpl(
            new GitHubClient(
                GitHubConfig.withApiUrl(server.url("/").toString()),
                new TokenCredentials("ghp_test_token"),
                new OkHttpClient(),
                Clock.fixed(GitHubActivitiesImplTest.NOW, ZoneOffset.UTC))));
    activities = GitHubActivitiesImplTest.stub(env);
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  @Test
  void theFailedCommitsDeploymentFailsWithADescriptionAndTheCommentAsItsLog() throws Exception {
    server.enqueue(
        json(
            "[{\"id\": 900, \"user\": "
                + GitHubActivitiesImplTest.BOT
                + ", \"body\": "
                + quoted(GitHubActivitiesImplTest.MARKER + "\nold")
                + ", \"html_url\": \""
                + COMMENT_URL
                + "\"}]"));
    server.enqueue(json(GitHubActivitiesImplTest.BOT)); // GET /user: our comment is ours
    server.enqueue(json("{\"id\": 900, \"html_url\": \"" + COMMENT_URL + "\"}"));
    server.enqueue(json("[]"));
    server.enqueue(json(201, "{\"id\": 78, \"sha\": \"" + FAILED_SHA + "\"}"));
    server.enqueue(json("[]"));
    server.enqueue(json(201, "{\"id\": 5, \"state\": \"failure\"}"));

    activities.publishStatus(
        new PublishStatusRequest(GitHubActivitiesImplTest.PR, readyAfterAFailedUpdate()));

    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/user");
    RecordedRequest patch = server.takeRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    String comment = JSON.readTree(patch.getBody().utf8()).get("body").asText();
    assertThat(comment)
        .contains("The update to `bbbbbbb2bbbb` failed")
        .contains("**Step:** wait-deployment#2")
        .contains("The preview still runs `0123456789ab`")
        .contains("```\nline 22\n")
        .doesNotContain("line 21\n")
        .contains("line 60\nSQLSTATE[42S01]: table exists\n```");
    RecordedRequest find = server.takeRequest();
    assertThat(find.getUrl().queryParameter("sha")).isEqualTo(FAILED_SHA);
    RecordedRequest create = server.takeRequest();
    assertThat(JSON.readTree(create.getBody().utf8()).get("ref").asText()).isEqualTo(FAILED_SHA);
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/deployments/78/statuses");
    RecordedRequest status = server.takeRequest();
    assertThat(status.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/deployments/78/statuses");
    JsonNode body = JSON.readTree(status.getBody().utf8());
    assertThat(body.get("state").asText()).isEqualTo("failure");
    assertThat(body.get("log_url").asText()).isEqualTo(COMMENT_URL);
    assertThat(body.has("environment_url")).isFalse();
    String description = body.get("description").asText();
    assertThat(description)
        .startsWith("Update to bbbbbbb failed at wait-deployment#2: FAILED: deployment 502")
        .endsWith("…");
    assertThat(description.codePointCount(0, description.length())).isEqualTo(140);
    // The head is the failed commit: no success is posted for it, nor anything else.
    assertThat(server.takeRequest(100, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void descriptionsAreOneLineOfAtMost140Characters() {
    assertThat(GitHubActivitiesImpl.fitDescription("a\nb\tc")).isEqualTo("a b c");
    String long140 = GitHubActivitiesImpl.fitDescription("é".repeat(300));
    assertThat(long140.codePointCount(0, long140.length())).isEqualTo(140);
  }

  @Test
  void aLogCannotCloseItsCodeBlockAndAFailedPreviewShowsTheEndOfItsLog() {
    PreviewStatus failed = Statuses.failed();
    PreviewStatus withLog =
        new PreviewStatus(
            failed.previewId(),
            failed.repository(),
            failed.pullRequest(),
            failed.phase(),
            failed.previewUrl(),
            failed.branch(),
            failed.headSha(),
            failed.deployedSha(),
            failed.resources(),
            failed.steps(),
            failed.warnings(),
            failed.expiresAt(),
            failed.failedStep(),
            failed.failureReason(),
            failed.rolledBack(),
            failed.deployments(),
            "npm ERR! ````\n\u001b[31m@octocat <img src=x>\nexit 1",
            null);

    String comment = CommentRenderer.render("preview:acme:shop:42", withLog);

    assertThat(comment)
        .contains("End of the deployment log:\n\n`````\nnpm ERR! ````\n")
        .contains("[31m@octocat <img src=x>\nexit 1\n`````")
        .doesNotContain("\u001b");
  }

  private static PreviewStatus readyAfterAFailedUpdate() {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      log.append("line ").append(i).append('\n');
    }
    log.append("SQLSTATE[42S01]: table exists");
    UpdateFailure failure =
        new UpdateFailure(
            FAILED_SHA,
            "feature/login",
            "wait-deployment#2",
            "FAILED: deployment 502 of site 11 failed " + "and a long explanation ".repeat(10),
            log.toString(),
            "2030-01-01T12:00:00Z");
    return new PreviewStatus(
        "preview:acme:shop:42",
        "acme/shop",
        42,
        Phase.READY,
        Statuses.URL,
        "feature/login",
        FAILED_SHA,
        Statuses.SHA,
        ForgeResources.none(),
        List.of(),
        List.of(),
        Statuses.EXPIRES,
        null,
        null,
        List.of(),
        3,
        null,
        failure);
  }
}
