package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system as separate OS processes on 127.0.0.1: {@code temporal server start-dev}, the
 * Forge simulator, the worker and the gateway, plus a recording GitHub fake in this JVM. Started
 * once per test run ({@link E2eExtension}) and stopped after the last test class.
 */
final class E2eSystem implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(120);
  static final String NAMESPACE = "default";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(E2eSystem.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  final Path root;
  final Path target;
  final Path logs;
  final Path temporalCli;
  final int temporalPort;
  final int uiPort;
  final int simulatorPort;
  final int workerHealthPort;
  final int gatewayPort;
  final GitHubFake github;
  final String webhookSecret = randomHex(24);
  final String forgeToken = "e2e-simulator-token";
  final Path repositoriesFile;
  final Path temporalDb;

  /** The compose backend's real host (acme/app), or null when this machine cannot be one. */
  final ComposeHost composeHost;

  /**
   * A real Redis the worker flushes over SSH (through the compose host's {@code sshd}) for previews
   * on a shared server seeded at 127.0.0.1; null without a compose host or Redis.
   */
  final LoopbackRedis redis;

  /** Why there is no {@link #redis}; null when there is one. */
  final String redisMissing;

  /** Why there is no {@link #composeHost}; null when there is one. */
  final String composeHostMissing;

  private final ManagedProcess temporal;
  private final ManagedProcess simulator;
  private final ManagedProcess gateway;
  private ManagedProcess worker;
  private int workerGeneration;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WorkflowServiceStubs service;
  private WorkflowClient client;

  E2eSystem() throws Exception {
    root = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
    target = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().normalize();
    logs = target.resolve("logs");
    Files.createDirectories(logs);
    try (var old = Files.list(logs)) {
      for (Path file : old.toList()) {
        Files.deleteIfExists(file);
      }
    }
    temporalCli = findTemporalCli();
    String version = System.getProperty("e2e.version", "0.1.0-SNAPSHOT");
    Path workerJar = jar("worker/target/worker-" + version + "-standalone.jar");
    Path gatewayJar = jar("webhook-gateway/target/webhook-gateway-" + version + "-standalone.jar");
    Path simulatorJar =
        jar("forge-simulator/target/forge-simulator-" + version + "-standalone.jar");

    int port = freePortWithUi();
    temporalPort = port;
    uiPort = port + 1000;
    simulatorPort = freePort();
    workerHealthPort = freePort();
    gatewayPort = freePort();

    temporalDb = target.resolve("temporal.db");
    Files.deleteIfExists(temporalDb);
    repositoriesFile = target.resolve("e2e-repositories.yaml");
    try (InputStream in = resource("repositories.yaml")) {
      Files.write(repositoriesFile, in.readAllBytes());
    }

    composeHostMissing = ComposeHost.missing();
    if (composeHostMissing == null) {
      composeHost =
          new ComposeHost(
              target.resolve("compose-host-" + UUID.randomUUID().toString().substring(0, 8)), logs);
      Files.writeString(repositoriesFile, composeHost.repositoryEntry(), StandardOpenOption.APPEND);
    } else {
      composeHost = null;
      log.info("no compose host in this run: {}", composeHostMissing);
    }
    redisMissing =
        composeHost == null
            ? "a compose host (its sshd): " + composeHostMissing
            : LoopbackRedis.missing();
    if (redisMissing == null) {
      redis =
          new LoopbackRedis(
              target.resolve("redis-" + UUID.randomUUID().toString().substring(0, 8)), logs);
    } else {
      redis = null;
      log.info("no Redis in this run: {}", redisMissing);
    }

    github = new GitHubFake().start();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    temporal =
        new ManagedProcess(
            "temporal",
            List.of(
                temporalCli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(temporalPort),
                "--ui-port",
                Integer.toString(uiPort),
                "--http-port",
                Integer.toString(freePort()),
                "--metrics-port",
                Integer.toString(freePort()),
                "--db-filename",
                temporalDb.toString(),
                "--log-level",
                "warn",
                "--search-attribute",
                "PreviewRepository=Keyword",
                "--search-attribute",
                "PreviewPullRequest=Int",
                "--search-attribute",
                "PreviewPhase=Keyword",
                "--search-attribute",
                "PreviewQueuePosition=Int"),
            Map.of(),
            logs.resolve("temporal.log"));
    simulator =
        new ManagedProcess(
            "forge-simulator",
            List.of(
                java,
                "-jar",
                simulatorJar.toString(),
                "--port",
                Integer.toString(simulatorPort),
                "--token",
                forgeToken,
                "--rate-limit",
                "600",
                "--server-ready-after",
                "PT5S",
                "--site-install",
                "PT2S",
                "--repository-install",
                "PT2S",
                "--database-install",
                "PT1S",
                "--database-user-install",
                "PT1S",
                "--worker-install",
                "PT1S",
                "--certificate-install",
                "PT1S",
                "--certificate-activation",
                "PT1S",
                "--deploy-queue",
                "PT1S",
                "--deploy-duration",
                "PT3S"),
            Map.of(),
            logs.resolve("forge-simulator.log"));
    Map<String, String> gatewayEnv = new LinkedHashMap<>();
    gatewayEnv.put("MICRONAUT_SERVER_PORT", Integer.toString(gatewayPort));
    gatewayEnv.put("GITHUB_WEBHOOK_SECRET", webhookSecret);
    gatewayEnv.put("TEMPORAL_ADDRESS", temporalAddress());
    gatewayEnv.put("TEMPORAL_NAMESPACE", NAMESPACE);
    gatewayEnv.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositoriesFile.toString());
    gateway =
        new ManagedProcess(
            "gateway",
            List.of(java, "-jar", gatewayJar.toString()),
            gatewayEnv,
            logs.resolve("gateway.log"));
    this.gatewayEnv = gatewayEnv;
    this.gatewayJar = gatewayJar;
    this.workerJar = workerJar;
    this.javaBinary = java;
    this.cliJar = jar("cli/target/cli-" + version + "-standalone.jar");
  }

  private final Path cliJar;
  private final Map<String, String> gatewayEnv;
  private final Path gatewayJar;
  private final Path workerJar;
  private final String javaBinary;

  E2eSystem start() throws Exception {
    Instant started = Instant.now();
    startTemporal();
    simulator.start();
    awaitPort(simulator, simulatorPort);
    if (redis != null) {
      // Before the worker and the gateway start, so both read the same repositories file.
      long serverId =
          simulatorPost(
                  "servers",
                  JSON.createObjectNode()
                      .put("name", "shared-cache")
                      .put("ip_address", "127.0.0.1"))
              .at("/server/id")
              .asLong();
      Files.writeString(
          repositoriesFile,
          SharedServerRedisE2eTest.repositoryEntry(serverId),
          StandardOpenOption.APPEND);
    }
    startWorker();
    gateway.start();
    awaitHealth(gateway, "http://127.0.0.1:" + gatewayPort + "/health");
    log.info(
        "system up in {} s: temporal 127.0.0.1:{} (UI {}), simulator {}, worker health {}, gateway"
            + " {}, GitHub fake {}; logs in {}",
        Duration.between(started, Instant.now()).toSeconds(),
        temporalPort,
        uiPort,
        simulatorPort,
        workerHealthPort,
        gatewayPort,
        github.url(),
        logs);
    return this;
  }

  // ---- processes ----------------------------------------------------------------------------

  void startTemporal() throws Exception {
    temporal.start();
    awaitPort(temporal, temporalPort);
    if (service == null) {
      service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporalAddress()).build());
      client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).build());
    }
    await(
        "the Temporal dev server to serve namespace " + NAMESPACE,
        () -> {
          temporal.requireAlive();
          try {
            service
                .blockingStub()
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .describeNamespace(
                    DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
            return true;
          } catch (RuntimeException e) {
            return false;
          }
        });
  }

  /** A graceful stop (SIGTERM) of the Temporal dev server; its database file stays. */
  void stopTemporal() {
    temporal.stop();
  }

  /** The variable acme/shop's {@code notifications.url} names (e2e repositories.yaml). */
  static final String NOTIFICATION_URL_VARIABLE = "E2E_NOTIFICATION_URL";

  /** Where acme/shop's notifications go: the GitHub fake records them (its secret path too). */
  String notificationUrl() {
    return github.url() + GitHubFake.NOTIFICATIONS.substring(1);
  }

  void startWorker() throws Exception {
    worker = worker("worker-" + (++workerGeneration), workerHealthPort, "worker.log");
  }

  /** Processes started beside the main gateway and worker, stopped with the system. */
  private final List<ManagedProcess> extras = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** One more worker on the same task queues (its own health port and log). */
  void startExtraWorker() throws Exception {
    int n = extras.size() + 2;
    extras.add(worker("worker-extra-" + n, freePort(), "worker-extra-" + n + ".log"));
  }

  /** Stops the extra workers and gateways, so later tests see the suite's own pair again. */
  void stopExtras() {
    extras.forEach(ManagedProcess::stop);
    extras.clear();
  }

  /** One more gateway with the same configuration; returns its port. */
  int startExtraGateway() throws Exception {
    int port = freePort();
    Map<String, String> env = new LinkedHashMap<>(gatewayEnv);
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    int n = extras.size() + 2;
    ManagedProcess extra =
        new ManagedProcess(
            "gateway-extra-" + n,
            List.of(javaBinary, "-jar", gatewayJar.toString()),
            env,
            logs.resolve("gateway-extra-" + n + ".log"));
    extras.add(extra);
    extra.start();
    awaitHealth(extra, "http://127.0.0.1:" + port + "/health");
    return port;
  }

  private ManagedProcess worker(String name, int healthPort, String logFile) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_ADDRESS", temporalAddress());
    env.put("TEMPORAL_NAMESPACE", NAMESPACE);
    env.put("FORGE_API_URL", "http://127.0.0.1:" + simulatorPort + "/api/v1/");
    env.put("FORGE_API_TOKEN", forgeToken);
    env.put("FORGE_RATE_LIMIT_PER_MINUTE", "600");
    env.put("PREVIEW_SECRET_KEY", "e2e-preview-secret-key-0123456789");
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositoriesFile.toString());
    env.put("GITHUB_TOKEN", "test-token");
    env.put("GITHUB_API_URL", github.url());
    env.put("WORKER_HEALTH_PORT", Integer.toString(healthPort));
    env.put("CLEANUP_INTERVAL", "PT1H");
    env.put("CLEANUP_DRY_RUN", "false");
    env.put("CLEANUP_ORPHAN_GRACE", "PT1S");
    env.put("METRICS_VISIBILITY_INTERVAL", "PT2S");
    if (composeHost != null) {
      env.putAll(composeHost.workerEnvironment());
      // Servers seeded at 127.0.0.1 (SharedServerRedisE2eTest) are reached through the same sshd.
      env.put("SSH_PREVIEW_PORT", Integer.toString(composeHost.sshPort));
      env.put("SSH_PREVIEW_USER", "root");
    }
    if (redis != null) {
      env.put("CLONE_REDIS_CLI_COMMAND", redis.cli.toString());
    }
    env.put(NOTIFICATION_URL_VARIABLE, notificationUrl());
    ManagedProcess process =
        new ManagedProcess(
            name, List.of(javaBinary, "-jar", workerJar.toString()), env, logs.resolve(logFile));
    process.start();
    awaitHealth(process, "http://127.0.0.1:" + healthPort + "/health");
    return process;
  }

  /** SIGKILL of the worker: no shutdown hook runs, in-flight activities are simply lost. */
  void killWorker() {
    log.info("SIGKILL to {} (pid {})", worker.name(), worker.pid());
    worker.kill();
  }

  String temporalAddress() {
    return "127.0.0.1:" + temporalPort;
  }

  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() {
    extras.forEach(ManagedProcess::stop);
    for (ManagedProcess process : new ManagedProcess[] {gateway, worker, simulator, temporal}) {
      if (process != null) {
        process.stop();
      }
    }
    if (service != null) {
      service.shutdownNow();
    }
    github.close();
    if (composeHost != null) {
      composeHost.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  // ---- GitHub webhooks ----------------------------------------------------------------------

  /**
   * Sends a signed {@code pull_request} event built from a real GitHub payload, for acme/shop (or
   * {@code repository}) pull request {@code number} at {@code sha}; returns the HTTP status.
   */
  int sendPullRequest(String repository, String action, int number, String sha) throws Exception {
    return sendPullRequest(gatewayPort, repository, action, number, sha);
  }

  /** The same through the gateway on {@code port}. */
  int sendPullRequest(int port, String repository, String action, int number, String sha)
      throws Exception {
    ObjectNode payload;
    try (InputStream in = resource("payloads/pull_request." + action + ".json")) {
      payload = (ObjectNode) JSON.readTree(in);
    }
    String[] parts = repository.split("/", 2);
    payload.put("number", number);
    ObjectNode pr = (ObjectNode) payload.get("pull_request");
    pr.put("number", number);
    String branch = "feature/e2e-" + number;
    ObjectNode head = (ObjectNode) pr.get("head");
    if (payload.has("after")) {
      payload.put("before", head.path("sha").asText());
      payload.put("after", sha);
    }
    head.put("sha", sha);
    head.put("ref", branch);
    head.put("label", parts[0] + ":" + branch);
    for (ObjectNode repo :
        List.of((ObjectNode) payload.get("repository"), (ObjectNode) head.get("repo"))) {
      repo.put("full_name", repository);
      repo.put("name", parts[1]);
      ((ObjectNode) repo.get("owner")).put("login", parts[0]);
    }
    byte[] body = JSON.writeValueAsBytes(payload);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook/github"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("User-Agent", "GitHub-Hookshot/e2e")
            .header("X-GitHub-Event", "pull_request")
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", "sha256=" + hmac(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    log.info("pull_request {} #{} → {} {}", action, number, response.statusCode(), response.body());
    return response.statusCode();
  }

  private String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  static String randomSha() {
    return randomHex(20);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ---- Temporal -----------------------------------------------------------------------------

  static String workflowId(String repository, int number) {
    return "preview:" + repository.replace('/', ':') + ":" + number;
  }

  /** The {@code status} query's answer, or empty while the workflow does not exist yet. */
  Optional<JsonNode> status(String workflowId) {
    try {
      return Optional.of(client.newUntypedWorkflowStub(workflowId).query("status", JsonNode.class));
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      // e.g. UNAVAILABLE while the server restarts, or no worker polling for the query yet
      log.debug("status query of {} failed: {}", workflowId, e.toString());
      return Optional.empty();
    }
  }

  /** Waits until the preview's phase is {@code phase}; fails early on FAILED. */
  JsonNode awaitPhase(String workflowId, String phase) {
    return awaitPhase(workflowId, phase, s -> true, "");
  }

  JsonNode awaitPhase(
      String workflowId,
      String phase,
      java.util.function.Predicate<JsonNode> also,
      String alsoDescription) {
    JsonNode[] last = new JsonNode[1];
    return await(
        workflowId + " to reach " + phase + alsoDescription,
        () -> {
          Optional<JsonNode> status = status(workflowId);
          status.ifPresent(s -> last[0] = s);
          if (status.isPresent()
              && "FAILED".equals(status.get().path("phase").asText())
              && !"FAILED".equals(phase)) {
            fail(workflowId + " FAILED: " + status.get().toPrettyString());
          }
          return status
              .filter(s -> phase.equals(s.path("phase").asText()))
              .filter(also)
              .orElse(null);
        },
        () -> "last status: " + (last[0] == null ? "none" : last[0].toPrettyString()));
  }

  WorkflowExecution latestRun(String workflowId) {
    DescribeWorkflowExecutionResponse response =
        service
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(NAMESPACE)
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
    return response.getWorkflowExecutionInfo().getExecution();
  }

  // ---- the temporal CLI, as an operator types it ------------------------------------------

  record CliResult(int exitCode, String output) {}

  /**
   * Runs one command line through {@code bash -c}, exactly as typed in the README, with the
   * temporal CLI first on the PATH and TEMPORAL_ADDRESS pointing at this run's server.
   */
  CliResult shell(String commandLine) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", commandLine).redirectErrorStream(true);
    String path = temporalCli.getParent() + File.pathSeparator;
    Optional<Path> tctl = tctl();
    if (tctl.isPresent()) {
      path += tctl.get().getParent() + File.pathSeparator;
    }
    builder.environment().put("PATH", path + System.getenv().getOrDefault("PATH", ""));
    builder.environment().put("TEMPORAL_ADDRESS", temporalAddress());
    builder.environment().put("TEMPORAL_NAMESPACE", NAMESPACE);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("`" + commandLine + "` did not finish in 60 s");
    }
    String output = new String(out, StandardCharsets.UTF_8);
    log.info("$ {}\n{}(exit {})", commandLine, output, process.exitValue());
    Files.writeString(
        logs.resolve("cli.log"),
        "$ " + commandLine + "\n" + output + "(exit " + process.exitValue() + ")\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new CliResult(process.exitValue(), output);
  }

  /**
   * tctl from {@code TCTL} (.ci/e2e.sh builds it); empty when unset. A set but broken path fails.
   */
  static Optional<Path> tctl() {
    String configured = System.getenv("TCTL");
    if (configured == null || configured.isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(configured).toAbsolutePath();
    if (!Files.isExecutable(path)) {
      fail("TCTL=" + configured + " is not an executable file");
    }
    return Optional.of(path);
  }

  /**
   * Skips the calling test with {@code why} when {@code present} is false, unless the suite runs
   * with {@code -De2e.requireAll=true} (.ci/e2e.sh): then it fails, so CI never skips silently.
   */
  static void require(boolean present, String why) {
    if (present) {
      return;
    }
    if (Boolean.getBoolean("e2e.requireAll")) {
      fail(why + " (e2e.requireAll=true: nothing may skip)");
    }
    org.junit.jupiter.api.Assumptions.abort(why);
  }

  /**
   * The README's command lines (in its sh blocks) that start with {@code prefix}, continuation
   * lines joined, in order.
   */
  List<String> readmeCommands(String prefix) throws IOException {
    List<String> commands = new ArrayList<>();
    StringBuilder current = null;
    boolean inBlock = false;
    for (String line : Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("```")) {
        inBlock = line.equals("```sh");
        continue;
      }
      if (!inBlock) {
        continue;
      }
      if (current != null) {
        current.append(' ').append(line.strip());
      } else if (line.startsWith(prefix + " ")) {
        current = new StringBuilder(line.strip());
      } else {
        continue;
      }
      if (current.toString().endsWith("\\")) {
        current.setLength(current.length() - 1);
        current = new StringBuilder(current.toString().stripTrailing());
      } else {
        commands.add(current.toString());
        current = null;
      }
    }
    return commands;
  }

  /**
   * Runs the operator CLI ({@code bin/forge-preview}'s jar) with the worker's configuration of this
   * run; output and exit code are also appended to logs/forge-preview-cli.log.
   */
  CliResult forgePreview(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(javaBinary, "-jar", cliJar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("TEMPORAL_ADDRESS", temporalAddress());
    env.put("TEMPORAL_NAMESPACE", NAMESPACE);
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositoriesFile.toString());
    env.put("FORGE_API_URL", "http://127.0.0.1:" + simulatorPort + "/api/v1/");
    env.put("FORGE_API_TOKEN", forgeToken);
    env.put("GITHUB_TOKEN", "test-token");
    env.put("GITHUB_API_URL", github.url());
    env.put("FORGE_PREVIEW_WEBHOOK_URL", "http://127.0.0.1:" + gatewayPort + "/webhook/github");
    env.put(NOTIFICATION_URL_VARIABLE, notificationUrl());
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("forge-preview " + String.join(" ", args) + " did not finish in 120 s");
    }
    String output = new String(out, StandardCharsets.UTF_8);
    Files.writeString(
        logs.resolve("forge-preview-cli.log"),
        "$ forge-preview "
            + String.join(" ", args)
            + "\n"
            + output
            + "(exit "
            + process.exitValue()
            + ")\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new CliResult(process.exitValue(), output);
  }

  /** The worker's {@code /metrics} and the gateway's {@code /prometheus}, as text. */
  String scrapeWorker() {
    return getText("http://127.0.0.1:" + workerHealthPort + "/metrics");
  }

  String scrapeGateway() {
    return getText("http://127.0.0.1:" + gatewayPort + "/prometheus");
  }

  /** The simulator's own count of API calls: {@code {"total", "rate_limited", "calls": {...}}}. */
  JsonNode simulatorCalls() {
    return simulatorGet("calls");
  }

  private String getText(String url) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        fail("GET " + url + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- the Forge simulator --------------------------------------------------------------------

  JsonNode inventory() {
    return JSON.valueToTree(getJson("/_simulator/inventory"));
  }

  /** {@code GET /_simulator/{path}}, e.g. {@code calls}, {@code created}, {@code faults}. */
  JsonNode simulatorGet(String path) {
    return JSON.valueToTree(getJson("/_simulator/" + path));
  }

  /** Sets simulator faults, e.g. {@code {"failNextDeploys": 1}} (POST /_simulator/faults). */
  void simulatorFaults(String json) throws Exception {
    simulatorPost("faults", JSON.readTree(json));
  }

  /** {@code POST /_simulator/{path}} with a JSON body; fails unless answered 2xx. */
  JsonNode simulatorPost(String path, JsonNode body) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(simulatorUrl() + "/_simulator/" + path))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        fail("POST " + path + " answered " + response.statusCode() + " " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void seedServer(String name) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(simulatorUrl() + "/_simulator/servers"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      fail("seeding server " + name + " answered " + response.statusCode() + " " + response.body());
    }
  }

  /** What the simulator holds for one preview: its server(s) by name and what is on them. */
  record Resources(
      int servers, int sites, int databases, int databaseUsers, int workers, int certificates) {
    boolean none() {
      return servers + sites + databases + databaseUsers + workers + certificates == 0;
    }
  }

  /**
   * The dedicated server of acme/shop's preview {@code number}: {@code pr-{number}-{project}} and
   * the owner hash of {@code acme/shop} (README, Naming).
   */
  static String serverName(int number) {
    return "pr-" + number + "-shop-9b3a2c";
  }

  Resources resources(String serverName) {
    JsonNode inventory = inventory();
    List<Long> serverIds = new ArrayList<>();
    for (JsonNode server : inventory.path("servers")) {
      if (serverName.equals(server.path("name").asText())) {
        serverIds.add(server.path("id").asLong());
      }
    }
    return new Resources(
        serverIds.size(),
        count(inventory.path("sites"), serverIds),
        count(inventory.path("databases"), serverIds),
        count(inventory.path("databaseUsers"), serverIds),
        count(inventory.path("workers"), serverIds),
        count(inventory.path("certificates"), serverIds));
  }

  private static int count(JsonNode list, List<Long> serverIds) {
    int n = 0;
    for (JsonNode item : list) {
      if (serverIds.contains(item.path("serverId").asLong())) {
        n++;
      }
    }
    return n;
  }

  String simulatorUrl() {
    return "http://127.0.0.1:" + simulatorPort;
  }

  private Object getJson(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(simulatorUrl() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        fail("GET " + path + " answered " + response.statusCode() + " " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- waiting ---------------------------------------------------------------------------------

  static <T> T await(String what, Supplier<T> condition) {
    return await(what, condition, () -> "");
  }

  /**
   * Polls {@code condition} until it returns a value other than null or {@code false}; fails with
   * {@code what} and {@code detail} after {@link #DEADLINE}.
   */
  static <T> T await(String what, Supplier<T> condition, Supplier<String> detail) {
    return await(what, DEADLINE, condition, detail);
  }

  /** Like {@link #await(String, Supplier, Supplier)} with its own limit. */
  static <T> T await(String what, Duration limit, Supplier<T> condition, Supplier<String> detail) {
    Instant deadline = Instant.now().plus(limit);
    Instant started = Instant.now();
    while (true) {
      T value = condition.get();
      if (value != null && !Boolean.FALSE.equals(value)) {
        log.info("{}: after {} ms", what, Duration.between(started, Instant.now()).toMillis());
        return value;
      }
      if (Instant.now().isAfter(deadline)) {
        fail("gave up waiting " + limit.toSeconds() + " s for " + what + "; " + detail.get());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void awaitPort(ManagedProcess process, int port) {
    await(
        process.name() + " to listen on port " + port,
        () -> {
          process.requireAlive();
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
  }

  private void awaitHealth(ManagedProcess process, String url) {
    await(
        process.name() + " to answer " + url,
        () -> {
          process.requireAlive();
          try {
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        () -> "log " + process.log() + ":\n" + process.tail(30));
  }

  // ---- setup helpers ---------------------------------------------------------------------------

  /**
   * A private copy of a module's standalone jar: a rebuild of the modules while the suite runs
   * (another terminal, an IDE) would otherwise swap the jar under a running JVM, whose next class
   * load then fails with NoClassDefFoundError.
   */
  private Path jar(String relative) throws IOException {
    Path jar = root.resolve(relative);
    if (!Files.isRegularFile(jar)) {
      fail(jar + " is missing: build the jars first with ./mvnw -B -q -DskipTests package");
    }
    Path copy = target.resolve("jars").resolve(jar.getFileName());
    Files.createDirectories(copy.getParent());
    Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static Path findTemporalCli() {
    String configured = System.getenv("TEMPORAL_CLI");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        fail("TEMPORAL_CLI=" + configured + " is not an executable file");
      }
      return path.toAbsolutePath();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "temporal");
      if (Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return fail(
        "the temporal CLI is missing: set TEMPORAL_CLI or put `temporal` on the PATH"
            + " (bin/temporal-cli DIR installs the pinned one; .ci/e2e.sh does this)");
  }

  private static InputStream resource(String name) {
    InputStream in = E2eSystem.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("test resource " + name + " is missing");
    }
    return in;
  }

  /**
   * A free port below the kernel's ephemeral range (32768 and up): the Temporal dev server binds
   * its internal services to ephemeral ports as it starts, and may otherwise take the one this
   * suite picked for it.
   */
  static int freePort() throws IOException {
    for (int i = 0; i < 200; i++) {
      int port = 20000 + RANDOM.nextInt(11000);
      if (isFree(port)) {
        return port;
      }
    }
    throw new IOException("no free port in 20000-31000 on 127.0.0.1");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** A free port P whose P + 1000 (the Web UI's) is free too. */
  private static int freePortWithUi() throws IOException {
    for (int i = 0; i < 50; i++) {
      int port = freePort();
      if (isFree(port + 1000)) {
        return port;
      }
    }
    throw new IOException("no free port pair P, P+1000 on 127.0.0.1");
  }
}
