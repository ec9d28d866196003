package dev.forgepreview.cli;

import dev.forgepreview.settings.Env;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.SimulatorSettings;
import dev.forgepreview.worker.PreviewWorker;
import dev.forgepreview.worker.WorkerConfig;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The real worker (the worker module's {@link PreviewWorker}) against the Forge simulator and the
 * Java test server bound to a free port, in real time: what the CLI talks to over gRPC and HTTP.
 */
final class PreviewSystem implements AutoCloseable {
  private static final String REPOSITORIES =
      """
      repositories:
        acme/shop:
          domain: preview.localhost
          server: {credentialId: 1}
          certificate: false
          ttl: P1D
          timeouts:
            serverPollInterval: PT1S
            resourcePollInterval: PT1S
            deploymentPollInterval: PT1S
            healthInterval: PT1S
            connectivityTries: 1
            connectivityInterval: PT1S
      """;

  final ForgeSimulator forge;
  final Map<String, String> env = new LinkedHashMap<>();
  private final TestServer.PortBoundTestServer temporal;
  private final PreviewWorker worker;

  PreviewSystem(Path dir) throws IOException {
    this(dir, REPOSITORIES, new NoClone());
  }

  /** A system with its own repositories file and clone activities. */
  PreviewSystem(Path dir, String repositoriesFile, DatabaseCloneActivities clone)
      throws IOException {
    int port = freePort();
    temporal = TestServer.createPortBoundServer(port, true);
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + port)
                .validateAndBuildWithDefaults());
    operator
        .blockingStub()
        .addSearchAttributes(
            AddSearchAttributesRequest.newBuilder()
                .setNamespace("default")
                .putAllSearchAttributes(
                    Map.of(
                        PreviewIds.REPOSITORY.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
                        PreviewIds.PULL_REQUEST.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_INT,
                        PreviewIds.PHASE.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
                        PreviewIds.QUEUE_POSITION.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_INT))
                .build());
    operator.shutdownNow();

    SimulatorSettings instant =
        new SimulatorSettings()
            .serverReadyAfter(Duration.ZERO)
            .siteInstallDuration(Duration.ZERO)
            .siteRemovalDuration(Duration.ZERO)
            .repositoryInstallDuration(Duration.ZERO)
            .databaseInstallDuration(Duration.ZERO)
            .databaseUserInstallDuration(Duration.ZERO)
            .workerInstallDuration(Duration.ZERO)
            .certificateInstallDuration(Duration.ZERO)
            .certificateActivationDuration(Duration.ZERO)
            .deployQueueDuration(Duration.ZERO)
            .deployDuration(Duration.ZERO)
            .rateLimitPerMinute(0);
    forge = ForgeSimulator.builder().token("cli-test-token").settings(instant).build().start();

    Path repositories = dir.resolve("repositories.yaml");
    Files.writeString(repositories, repositoriesFile);
    env.put("TEMPORAL_ADDRESS", "127.0.0.1:" + port);
    env.put("TEMPORAL_NAMESPACE", "default");
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositories.toString());
    env.put("FORGE_API_URL", forge.baseUrl());
    env.put("FORGE_API_TOKEN", forge.token());
    env.put("FORGE_RATE_LIMIT_PER_MINUTE", "6000");
    env.put("PREVIEW_SECRET_KEY", "cli-test-preview-secret-key-0123456789");
    env.put("WORKER_HEALTH_PORT", "0");
    env.put("CLEANUP_INTERVAL", "PT1H");
    worker = PreviewWorker.start(WorkerConfig.fromEnvironment(new Env(env)), clone);
  }

  WorkflowClient client() {
    return worker.client();
  }

  /** Starts a preview as the gateway would for a pull request opened at {@code sha}. */
  String open(int number, String sha) {
    String id = PreviewIds.workflowId("acme", "shop", number);
    PreviewEnvironmentWorkflow workflow =
        client()
            .newWorkflowStub(
                PreviewEnvironmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        workflow::run,
        new PreviewRequest("acme", "shop", number, "feature/" + number, sha, "octocat", null));
    return id;
  }

  PreviewStatus status(String id) {
    return client().newWorkflowStub(PreviewEnvironmentWorkflow.class, id).status();
  }

  /** Waits (up to a minute, polling) until the preview's status satisfies {@code condition}. */
  PreviewStatus await(String id, Predicate<PreviewStatus> condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    PreviewStatus last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = status(id);
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException notYet) {
        // not started yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("gave up waiting for " + id + "; last status " + last);
  }

  @Override
  public void close() {
    worker.close();
    forge.close();
    temporal.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** No master database is configured, so the clone activities are never called. */
  private static final class NoClone implements DatabaseCloneActivities {
    @Override
    public CloneResult cloneDatabase(CloneDatabaseRequest request) {
      throw new AssertionError("no master database is configured");
    }

    @Override
    public SnapshotResult refreshSnapshot(RefreshSnapshotRequest request) {
      throw new AssertionError("no master database is configured");
    }

    @Override
    public void flushRedis(FlushRedisRequest request) {
      throw new AssertionError("no Redis flush in dedicated mode");
    }
  }
}
