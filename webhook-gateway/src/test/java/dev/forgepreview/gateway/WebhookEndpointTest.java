package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.workflows.PreviewIds;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every status of {@code POST /webhook/github}, over real HTTP with real signatures. */
@MicronautTest
class WebhookEndpointTest {
  @Inject
  @Client("/")
  HttpClient client;

  private GitHub github;

  @BeforeEach
  void github() {
    github = new GitHub(client);
  }

  private static String workflowId(int number) {
    return PreviewIds.workflowId("acme", "shop", number);
  }

  @Test
  void pingIs200() {
    Answer answer = github.deliver("ping", Payloads.load("ping").bytes());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).isEqualTo("pong");
  }

  @Test
  void missingSignatureIs401() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.send(
            HttpRequest.POST(
                    "/webhook/github", Payloads.load("pull_request.opened").number(number).bytes())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", "d-unsigned"));

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body()).isEqualTo("{\"error\":\"invalid signature\"}");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void signatureOfAnotherBodyIs401() {
    int number = Payloads.nextNumber();
    byte[] body = Payloads.load("pull_request.opened").number(number).bytes();
    byte[] tampered = Arrays.copyOf(body, body.length);
    tampered[tampered.length - 2] = ' ';

    Answer answer =
        github.send(
            HttpRequest.POST("/webhook/github", tampered)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-GitHub-Event", "pull_request")
                .header("X-Hub-Signature-256", github.sign(body)));

    assertThat(answer.status()).isEqualTo(401);
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void signatureWithAnotherSecretIs401() {
    byte[] body = Payloads.load("ping").bytes();
    String wrong =
        new dev.forgepreview.gateway.webhook.SignatureVerifier(
                "another secret".getBytes(StandardCharsets.UTF_8))
            .sign(body);

    Answer answer =
        github.send(
            HttpRequest.POST("/webhook/github", body)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", wrong));

    assertThat(answer.status()).isEqualTo(401);
  }

  @Test
  void malformedJsonIs400() {
    assertThat(github.deliver("pull_request", "{\"action\": \"opened\",".getBytes()).status())
        .isEqualTo(400);
    assertThat(github.deliver("pull_request", "[1, 2]".getBytes()).status()).isEqualTo(400);
    assertThat(github.deliver("pull_request", "null".getBytes()).status()).isEqualTo(400);
    Answer empty = github.deliver("pull_request", new byte[0]);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.field("error")).isEqualTo("malformed JSON payload");
  }

  @Test
  void missingEventHeaderIs400() {
    byte[] body = Payloads.load("ping").bytes();
    Answer answer =
        github.send(
            HttpRequest.POST("/webhook/github", body)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-Hub-Signature-256", github.sign(body)));

    assertThat(answer.status()).isEqualTo(400);
  }

  @Test
  void repositoryNotInTheAllowListIs403() {
    Answer answer =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.opened").repository("evil", "shop").bytes());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.field("error")).isEqualTo("repository evil/shop is not allowed");
  }

  @Test
  void oversizedBodyIs413() {
    byte[] body = new byte[65_537];
    Arrays.fill(body, (byte) ' ');

    Answer answer = github.deliver("pull_request", body);

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body()).isEqualTo("{\"error\":\"payload too large\"}");
  }

  @Test
  void unhandledEventIsAcknowledged() {
    Answer answer =
        github.deliver("push", "{\"ref\":\"refs/heads/main\",\"repository\":null}".getBytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
  }

  @Test
  void unhandledEventOfAnAllowedRepositoryIsAcknowledged() {
    Answer answer =
        github.deliver("pull_request_review", Payloads.load("pull_request.opened").bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).isEqualTo("event pull_request_review is not handled");
  }

  @Test
  void unhandledPullRequestActionIsAcknowledged() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "pull_request", Payloads.load("pull_request.labeled").number(number).bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("workflowId")).isEqualTo(workflowId(number));
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void pullRequestFromAForkIsNotStartedAutomatically() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.opened")
                .number(number)
                .headRepository("mallory/shop")
                .bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).contains("fork");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void pushToAForkPullRequestDoesNotRedeployOnItsOwn() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.synchronize")
                .number(number)
                .headRepository("mallory/shop")
                .bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).contains("/update");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void draftPullRequestIsNotStarted() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "pull_request", Payloads.load("pull_request.opened-draft").number(number).bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("reason")).isEqualTo("draft pull request");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void commentTriggeredRepositoryIsNotStartedOnOpen() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.opened")
                .repository("acme", "manual")
                .number(number)
                .bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(RecordingPreviewWorkflow.runs(PreviewIds.workflowId("acme", "manual", number)))
        .isEmpty();
  }

  @Test
  void commentsThatAreNotTrustedCommandsDoNothing() {
    int number = Payloads.nextNumber();
    for (String fixture :
        new String[] {
          "issue_comment.plain",
          "issue_comment.unknown-command",
          "issue_comment.preview-by-contributor",
          "issue_comment.preview-on-issue"
        }) {
      Answer answer =
          github.deliver("issue_comment", Payloads.load(fixture).number(number).bytes());
      assertThat(answer.status()).as(fixture).isEqualTo(202);
      assertThat(answer.field("action")).as(fixture).isEqualTo("ignored");
    }
    assertThat(
            github
                .deliver(
                    "issue_comment",
                    Payloads.load("issue_comment.preview-by-contributor").number(number).bytes())
                .field("reason"))
        .isEqualTo("/preview needs an owner, member or collaborator, not CONTRIBUTOR");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void previewOnAClosedPullRequestIsIgnoredWithItsReason() {
    int number = Payloads.nextNumber();
    Answer answer =
        github.deliver(
            "issue_comment",
            Payloads.load("issue_comment.preview-on-closed").number(number).bytes());

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason"))
        .isEqualTo("/preview on a closed pull request: reopen it first, then comment /preview");
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void destroyAndUpdateWithoutAPreviewSayNoPreviewRunning() {
    int number = Payloads.nextNumber();
    for (String[] delivery :
        new String[][] {
          {"pull_request", "pull_request.closed"},
          {"issue_comment", "issue_comment.destroy"},
          {"issue_comment", "issue_comment.update"}
        }) {
      Answer answer =
          github.deliver(delivery[0], Payloads.load(delivery[1]).number(number).bytes());
      assertThat(answer.status()).as(delivery[1]).isEqualTo(202);
      assertThat(answer.field("action")).as(delivery[1]).isEqualTo("ignored");
      assertThat(answer.field("reason")).as(delivery[1]).isEqualTo("no preview running");
    }
    assertThat(RecordingPreviewWorkflow.runs(workflowId(number))).isEmpty();
  }

  @Test
  void otherRoutesAnswerInTheSameErrorFormat() {
    Answer notFound = github.send(HttpRequest.GET("/nothing-here"));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.json().has("error")).isTrue();

    Answer wrongMethod = github.send(HttpRequest.GET("/webhook/github"));
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().has("error")).isTrue();
  }

  @Test
  void healthIsUpWhenTemporalAnswers() {
    Answer answer = github.send(HttpRequest.GET("/health"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"status\":\"UP\",\"temporal\":\"UP\"}");
  }
}
