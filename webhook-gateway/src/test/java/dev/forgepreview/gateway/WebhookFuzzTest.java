package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.workflows.PreviewIds;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and tampered deliveries over real HTTP: never a 5xx, never a workflow without a
 * valid signature. Seeded, so a failure names the seed and try that reproduce it. The JDK's client
 * sends the bytes and headers exactly as generated (Micronaut's would re-encode a form body).
 */
@MicronautTest
class WebhookFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20250114L);
  private static final int TRIES = 300;
  private static final String[] FIXTURES = {
    "pull_request.opened",
    "pull_request.reopened",
    "pull_request.ready_for_review",
    "pull_request.synchronize",
    "pull_request.closed",
    "issue_comment.preview",
    "issue_comment.update",
    "issue_comment.destroy",
    "ping"
  };
  private static final String[] EVENTS = {
    "pull_request", "issue_comment", "ping", "push", "", "PULL_REQUEST", "pull_request "
  };
  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    null
  };

  @Inject EmbeddedServer server;

  @Inject WorkflowClient temporal;

  /** One generated delivery and whether its signature is right. */
  private record Attempt(HttpRequest request, boolean signed, String workflowId) {}

  @Test
  void neverFailsAndNeverStartsWithoutAValidSignature() throws IOException, InterruptedException {
    Random random = new Random(SEED);
    GitHub github = new GitHub(null); // used for signing only
    Map<Integer, Integer> statuses = new TreeMap<>();
    HttpClient http = HttpClient.newHttpClient();
    List<String> unsignedWorkflowIds = new ArrayList<>();
    for (int i = 0; i < TRIES; i++) {
      Attempt attempt = attempt(random, github, i);
      HttpResponse<String> response =
          http.send(attempt.request(), HttpResponse.BodyHandlers.ofString());
      Answer answer = new Answer(response.statusCode(), response.body());
      statuses.merge(answer.status(), 1, Integer::sum);
      String context = "seed " + SEED + ", try " + i + ", signed " + attempt.signed();

      assertThat(answer.status()).as(context).isIn(200, 202, 400, 401, 403, 413, 415);
      JsonNode body = answer.json();
      assertThat(body.has("error") || body.has("action"))
          .as(context + ": " + answer.body())
          .isTrue();
      if (!attempt.signed()) {
        assertThat(answer.status()).as(context).isIn(401, 413, 415);
        unsignedWorkflowIds.add(attempt.workflowId());
      }
    }
    // The service itself, not our recorder: none of these ids was ever started.
    for (String workflowId : unsignedWorkflowIds) {
      assertThatThrownBy(() -> temporal.newUntypedWorkflowStub(workflowId).describe())
          .as(workflowId)
          .isInstanceOf(WorkflowNotFoundException.class);
    }
    // The generator reaches every branch, not only the signature check.
    assertThat(statuses).as("statuses seen").containsKeys(200, 202, 400, 401, 413);
    assertThat(unsignedWorkflowIds).hasSizeGreaterThan(TRIES / 4);
  }

  private Attempt attempt(Random random, GitHub github, int i) {
    int number = Payloads.nextNumber();
    String fixture = FIXTURES[random.nextInt(FIXTURES.length)];
    byte[] original = Payloads.load(fixture).number(number).bytes();
    byte[] body =
        switch (random.nextInt(6)) {
          case 0 -> Arrays.copyOf(original, random.nextInt(original.length + 1));
          case 1 -> randomBytes(random, random.nextInt(2048));
          case 2 -> flipOneByte(random, original);
          case 3 -> random.nextInt(10) == 0 ? randomBytes(random, 70_000) : original;
          default -> original;
        };
    String event =
        fixture.substring(0, fixture.indexOf('.') < 0 ? fixture.length() : fixture.indexOf('.'));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.getURI().resolve("/webhook/github"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    int eventChoice = random.nextInt(EVENTS.length + 3);
    if (eventChoice < EVENTS.length) {
      request.header("X-GitHub-Event", EVENTS[eventChoice]);
    } else if (eventChoice == EVENTS.length) {
      request.header("X-GitHub-Event", printable(random, 1 + random.nextInt(40)));
    } else {
      request.header("X-GitHub-Event", event);
    }
    if (random.nextInt(5) > 0) {
      request.header("X-GitHub-Delivery", "fuzz-" + i);
    }
    String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    switch (random.nextInt(7)) {
      case 0, 1, 2 -> request.header("X-Hub-Signature-256", github.sign(body));
      case 3 -> request.header("X-Hub-Signature-256", github.sign(original));
      case 4 ->
          request.header(
              "X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(randomBytes(random, 32)));
      case 5 -> request.header("X-Hub-Signature-256", printable(random, random.nextInt(80)));
      default -> {} // no signature at all
    }
    // The original's signature is valid whenever the body was left unchanged.
    HttpRequest built = request.build();
    boolean valid =
        built.headers().firstValue("X-Hub-Signature-256").orElse("").equals(github.sign(body));
    return new Attempt(built, valid, PreviewIds.workflowId("acme", "shop", number));
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] flipOneByte(Random random, byte[] original) {
    byte[] copy = Arrays.copyOf(original, original.length);
    int at = random.nextInt(copy.length);
    copy[at] = (byte) (copy[at] ^ (1 + random.nextInt(255)));
    return copy;
  }

  private static String printable(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) (0x20 + random.nextInt(0x7f - 0x20)));
    }
    return text.toString().strip().isEmpty() ? "x" : text.toString().strip();
  }
}
