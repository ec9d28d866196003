package dev.forgepreview.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateSignal;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Shared helpers: the Temporal client, the starts the gateway makes, statistics, tables. */
final class Support {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String OWNER = "bench";

  private Support() {}

  /** A client configured like the gateway's (TemporalFactory: 5 s RPC timeout and retries). */
  static WorkflowClient client(String address) {
    return client(address, Duration.ofSeconds(5));
  }

  /**
   * A client with a longer RPC timeout, for the benchmarks that start previews to measure what
   * follows (on a loaded machine the dev server can take more than the gateway's 5 s to answer).
   */
  static WorkflowClient patientClient(String address) {
    return client(address, Duration.ofSeconds(30));
  }

  private static WorkflowClient client(String address, Duration rpc) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(address)
                .setRpcTimeout(rpc)
                .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(rpc).build())
                .build());
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
  }

  /**
   * The gateway's signal-with-start (TemporalPreviewStarter.start and startOptions, copied here
   * because the gateway module is a Micronaut application): same id, task queue, id reuse policy,
   * search attributes, summary, details, run argument and update signal.
   */
  static void signalWithStart(WorkflowClient client, String repo, int number, String sha) {
    PreviewRequest request =
        new PreviewRequest(OWNER, repo, number, "feature/bench-" + number, sha, "bench", null);
    UpdateSignal update =
        new UpdateSignal(sha, request.branch(), UUID.randomUUID().toString(), "bench");
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(request.workflowId())
            .setTaskQueue(PreviewIds.TASK_QUEUE)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(PreviewIds.REPOSITORY, PreviewIds.repositoryKey(OWNER, repo))
                    .set(PreviewIds.PULL_REQUEST, (long) number)
                    .set(PreviewIds.PHASE, Phase.PROVISIONING.name())
                    .build())
            .setStaticSummary(
                "Preview of " + OWNER + "/" + repo + "#" + number + " (" + request.branch() + ")")
            .setStaticDetails(
                "Pull request https://github.com/"
                    + OWNER
                    + "/"
                    + repo
                    + "/pull/"
                    + number
                    + "\n\nRequested by @bench, head "
                    + sha
                    + ", GitHub delivery "
                    + update.deliveryId())
            .build();
    PreviewEnvironmentWorkflow workflow =
        client.newWorkflowStub(PreviewEnvironmentWorkflow.class, options);
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(workflow::run, request);
    batch.add(workflow::update, update);
    client.signalWithStart(batch);
  }

  static PreviewStatus status(WorkflowClient client, String repo, int number) {
    WorkflowStub stub = client.newUntypedWorkflowStub(PreviewIds.workflowId(OWNER, repo, number));
    return stub.query(PreviewIds.QUERY_STATUS, PreviewStatus.class);
  }

  static String sha(int number) {
    return String.format(Locale.ROOT, "%040x", (long) number * 2654435761L);
  }

  /** A repositories file with the given YAML blocks (2-space indented under repositories:). */
  static Path repositories(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, "repositories:\n" + yaml);
    return file;
  }

  /** The cheapest pipeline: a shared server, no certificate, no queue worker, no clone. */
  static String sharedRepository(String repo, long serverId, String pollInterval) {
    return "  "
        + OWNER
        + "/"
        + repo
        + ":\n"
        + "    trigger: auto\n"
        + "    mode: shared\n"
        + "    sharedServerId: "
        + serverId
        + "\n"
        + "    domain: preview.localhost\n"
        + "    certificate: false\n"
        + "    queueWorker: null\n"
        + "    ttl: P30D\n"
        // The benchmarks start as many previews as they measure: no admission limit.
        + "    maxConcurrentPreviews: 0\n"
        + "    timeouts:\n"
        + "      resourcePollInterval: "
        + pollInterval
        + "\n"
        + "      deploymentPollInterval: "
        + pollInterval
        + "\n"
        + "      healthTries: 1\n"
        + "      healthInterval: PT1S\n"
        + "      connectivityTries: 1\n"
        + "      connectivityInterval: PT1S\n";
  }

  /**
   * The floor of Forge calls of one preview as a repository configures it: one call for each step
   * that talks to Forge, with every poll answered ready at once (the deploy script is written
   * before each deploy).
   */
  static List<String> forgeSteps(boolean dedicated, boolean queueWorker, boolean certificate) {
    List<String> steps = new ArrayList<>();
    if (dedicated) {
      steps.add("create-server");
    }
    steps.addAll(
        List.of(
            "wait-server-ready",
            "create-site",
            "create-database",
            "create-database-user",
            "grant-database",
            "install-repository",
            "write-environment"));
    if (queueWorker) {
      steps.add("create-queue-worker");
    }
    if (certificate) {
      steps.add("obtain-certificate");
    }
    steps.addAll(List.of("deploy-script", "deploy", "wait-deployment", "site-health"));
    return List.copyOf(steps);
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  // ---- statistics and tables ---------------------------------------------------------------

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  static String f(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  static String table(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", header)).append(" |\n|");
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  static void log(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    System.out.flush();
  }
}
