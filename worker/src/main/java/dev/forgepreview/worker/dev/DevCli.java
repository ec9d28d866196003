package dev.forgepreview.worker.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewCleanupWorkflow;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dev helper behind {@code bin/dev-event} and {@code bin/dev-status}: sends signed pull request
 * events shaped like GitHub's to the gateway, and reads a preview's status from Temporal.
 *
 * <pre>
 * event opened|reopened|synchronize|closed NUMBER [SHA]
 * comment NUMBER /preview|/update|/destroy
 * status NUMBER
 * wait NUMBER PHASE [SECONDS]
 * cleanup [--dry-run]
 * </pre>
 *
 * Environment: GATEWAY_URL (http://127.0.0.1:8080), GITHUB_WEBHOOK_SECRET, TEMPORAL_ADDRESS
 * (127.0.0.1:7233), DEV_REPOSITORY (acme/shop).
 */
public final class DevCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DevCli() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage();
      return;
    }
    String repository = env("DEV_REPOSITORY", "acme/shop");
    switch (args[0]) {
      case "event" -> {
        require(args, 3);
        String sha = args.length > 3 ? args[3] : randomSha();
        send("pull_request", pullRequest(repository, args[1], Integer.parseInt(args[2]), sha));
      }
      case "comment" -> {
        require(args, 3);
        send("issue_comment", comment(repository, Integer.parseInt(args[1]), args[2]));
      }
      case "status" -> {
        require(args, 2);
        System.out.println(
            JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(status(repository, Integer.parseInt(args[1]))));
      }
      case "wait" -> {
        require(args, 3);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 120;
        waitFor(repository, Integer.parseInt(args[1]), Phase.valueOf(args[2]), seconds);
      }
      case "cleanup" -> cleanup(args.length > 1 && args[1].equals("--dry-run"));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: event opened|reopened|synchronize|closed NUMBER [SHA] | comment NUMBER COMMAND |"
            + " status NUMBER | wait NUMBER PHASE [SECONDS] | cleanup [--dry-run]");
    System.exit(64);
  }

  private static void require(String[] args, int count) {
    if (args.length < count) {
      usage();
    }
  }

  static byte[] pullRequest(String repository, String action, int number, String sha)
      throws IOException {
    ObjectNode payload = template("dev/pull_request.json");
    payload.put("action", action);
    payload.put("number", number);
    ObjectNode pr = (ObjectNode) payload.get("pull_request");
    pr.put("number", number);
    pr.put("state", action.equals("closed") ? "closed" : "open");
    pr.put("draft", false);
    ObjectNode head = (ObjectNode) pr.get("head");
    head.put("sha", sha);
    head.put("ref", "feature/dev-" + number);
    ((ObjectNode) head.get("repo")).put("full_name", repository);
    setRepository(payload, repository);
    return JSON.writeValueAsBytes(payload);
  }

  static byte[] comment(String repository, int number, String command) throws IOException {
    ObjectNode payload = template("dev/issue_comment.json");
    ((ObjectNode) payload.get("issue")).put("number", number);
    ((ObjectNode) payload.get("comment")).put("body", command);
    setRepository(payload, repository);
    return JSON.writeValueAsBytes(payload);
  }

  private static void setRepository(ObjectNode payload, String repository) {
    String[] parts = repository.split("/", 2);
    ObjectNode repo = (ObjectNode) payload.get("repository");
    repo.put("full_name", repository);
    repo.put("name", parts[1]);
    ((ObjectNode) repo.get("owner")).put("login", parts[0]);
  }

  private static ObjectNode template(String resource) throws IOException {
    try (InputStream in = DevCli.class.getClassLoader().getResourceAsStream(resource)) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static void send(String event, byte[] body) throws IOException, InterruptedException {
    String secret = env("GITHUB_WEBHOOK_SECRET", null);
    if (secret == null) {
      System.err.println("GITHUB_WEBHOOK_SECRET is not set");
      System.exit(2);
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(env("GATEWAY_URL", "http://127.0.0.1:8080") + "/webhook/github"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", "sha256=" + hmac(secret, body))
            .header("User-Agent", "GitHub-Hookshot/dev")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    System.out.println(response.statusCode() + " " + response.body());
    if (response.statusCode() >= 300) {
      System.exit(1);
    }
  }

  static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static WorkflowClient client() {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(env("TEMPORAL_ADDRESS", "127.0.0.1:7233"))
                .build());
    return WorkflowClient.newInstance(
        service,
        WorkflowClientOptions.newBuilder()
            .setNamespace(env("TEMPORAL_NAMESPACE", "default"))
            .build());
  }

  private static PreviewStatus status(String repository, int number) {
    String[] parts = repository.split("/", 2);
    return client()
        .newUntypedWorkflowStub(PreviewIds.workflowId(parts[0], parts[1], number))
        .query(PreviewIds.QUERY_STATUS, PreviewStatus.class);
  }

  private static void waitFor(String repository, int number, Phase phase, int seconds)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(seconds);
    Phase last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = status(repository, number).phase();
        if (last == phase) {
          System.out.println(phase);
          return;
        }
      } catch (RuntimeException e) {
        // Not started yet, or between runs: ask again.
      }
      Thread.sleep(Duration.ofMillis(500).toMillis());
    }
    System.err.println(
        "preview #" + number + " is " + last + ", not " + phase + ", after " + seconds + " s");
    System.exit(1);
  }

  private static void cleanup(boolean dryRun) {
    PreviewCleanupWorkflow workflow =
        client()
            .newWorkflowStub(
                PreviewCleanupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(PreviewIds.CLEANUP_WORKFLOW_ID + "-manual-" + UUID.randomUUID())
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    System.out.println(workflow.run(new CleanupRequest(dryRun, null)));
  }

  private static String randomSha() {
    return (UUID.randomUUID().toString() + UUID.randomUUID())
        .replace("-", "")
        .substring(0, 40)
        .toLowerCase(Locale.ROOT);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
