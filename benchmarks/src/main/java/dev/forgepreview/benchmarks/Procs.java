package dev.forgepreview.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes one benchmark starts (Temporal dev server, simulator, worker, gateway), each with
 * its own free port and log file, all stopped by {@link #close()} (this object starts them, so only
 * this object ends them, by their own handles).
 */
final class Procs implements AutoCloseable {
  static final String VERSION = "0.1.0-SNAPSHOT";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path root;
  final Path dir;
  final Path jars;
  private final List<Process> started = new ArrayList<>();

  /** What else this object started and must stop (after its processes): daemons of a script. */
  private final List<Stopper> stoppers = new ArrayList<>();

  private interface Stopper {
    void stop() throws Exception;
  }

  Procs(Path root, Path dir) throws IOException {
    this.root = root;
    this.dir = dir;
    this.jars = root.resolve("benchmarks/target/jars");
    Files.createDirectories(dir);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  Process start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve(name + ".log").toFile());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  static void waitPort(int port, Process process, String name, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(name + " did not open port " + port + " within " + limit);
  }

  /** Extra flags for every {@code temporal server start-dev} of a run (an experiment's). */
  static final String DEV_SERVER_ARGS = "FORGE_PREVIEW_BENCH_DEV_SERVER_ARGS";

  /** temporal server start-dev on a free port with its SQLite file in this run's directory. */
  Temporal temporal() throws Exception {
    int port = freePort();
    Path db = dir.resolve("temporal.db");
    List<String> command =
        new ArrayList<>(
            List.of(
                "temporal",
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                "" + port,
                "--headless",
                "--db-filename",
                db.toString(),
                "--log-level",
                "warn",
                "--search-attribute",
                "PreviewRepository=Keyword",
                "--search-attribute",
                "PreviewPullRequest=Int",
                "--search-attribute",
                "PreviewPhase=Keyword",
                "--search-attribute",
                "PreviewQueuePosition=Int"));
    // An experiment's extra flags (say --dynamic-config-value KEY=VALUE); reports name them.
    String extra = System.getenv(DEV_SERVER_ARGS);
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    Process p = start("temporal", command, Map.of());
    waitPort(port, p, "temporal", Duration.ofSeconds(60));
    return new DevServer(p, "127.0.0.1:" + port, db);
  }

  /**
   * A Temporal server on PostgreSQL, started by {@code bin/temporal-postgres start} (built first by
   * {@code bin/temporal-postgres build}) in this run's directory and stopped by {@link #close()}
   * with {@code bin/temporal-postgres stop}.
   */
  Temporal temporalOnPostgres() throws Exception {
    int port = freePort();
    Path pgDir = dir.resolve("temporal-postgres");
    Path script = root.resolve("bin/temporal-postgres");
    stoppers.add(() -> script(script, "stop", pgDir.toString()));
    script(script, "start", pgDir.toString(), "" + port);
    long serverPid = Long.parseLong(Files.readString(pgDir.resolve("server.pid")).trim());
    Path postmaster = pgDir.resolve("postgres/data/postmaster.pid");
    long postgresPid = Long.parseLong(Files.readAllLines(postmaster).get(0).trim());
    return new PostgresServer(script, pgDir, "127.0.0.1:" + port, serverPid, postgresPid);
  }

  /** Runs {@code bin/temporal-postgres} with its output in this run's temporal-postgres.log. */
  private String script(Path script, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(args));
    Path log = dir.resolve("temporal-postgres.log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "bin/temporal-postgres " + String.join(" ", args) + " failed (see " + log + ")");
    }
    return out;
  }

  /** The Temporal server a benchmark runs against. */
  interface Temporal {
    String address();

    boolean alive();

    /** VmRSS of the server process (the dev server or the Temporal server binary). */
    long serverRssBytes();

    /** Bytes of the server's database (the dev server's SQLite files, or the PostgreSQL size). */
    long dbBytes();
  }

  /** temporal server start-dev with its SQLite file. */
  record DevServer(Process process, String address, Path db) implements Temporal {
    @Override
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public long serverRssBytes() {
      return rssBytes(process.pid());
    }

    @Override
    public long dbBytes() {
      long total = 0;
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path f = Path.of(db + suffix);
        try {
          total += Files.exists(f) ? Files.size(f) : 0;
        } catch (IOException e) {
          // gone between exists and size
        }
      }
      return total;
    }
  }

  /** The Temporal server binary on a private PostgreSQL cluster (bin/temporal-postgres). */
  final class PostgresServer implements Temporal {
    private final Path script;
    private final Path pgDir;
    private final String address;
    private final long serverPid;
    private final long postgresPid;

    PostgresServer(Path script, Path pgDir, String address, long serverPid, long postgresPid) {
      this.script = script;
      this.pgDir = pgDir;
      this.address = address;
      this.serverPid = serverPid;
      this.postgresPid = postgresPid;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public boolean alive() {
      return ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false)
          && ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public long serverRssBytes() {
      return rssBytes(serverPid);
    }

    /** VmRSS summed over the postmaster and all its processes (shared buffers count in each). */
    long postgresRssBytes() {
      return postgresPids().stream().mapToLong(Procs::rssBytes).filter(b -> b > 0).sum();
    }

    /** Proportional set size summed over PostgreSQL's processes (shared pages counted once). */
    long postgresPssBytes() {
      return postgresPids().stream().mapToLong(Procs::pssBytes).filter(b -> b > 0).sum();
    }

    private List<Long> postgresPids() {
      List<Long> pids = new ArrayList<>();
      ProcessHandle.of(postgresPid)
          .ifPresent(
              h -> {
                pids.add(h.pid());
                h.descendants().forEach(d -> pids.add(d.pid()));
              });
      return pids;
    }

    /** pg_database_size of the history database plus the visibility database, -1 if unknown. */
    @Override
    public long dbBytes() {
      try {
        return Long.parseLong(script(script, "size", pgDir.toString()));
      } catch (Exception e) {
        Support.log("temporal-postgres size failed: %s", e);
        return -1;
      }
    }
  }

  /** The simulator with the given extra flags (durations and rate limit). */
  Simulator simulator(String token, List<String> flags) throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>(javaJar("forge-simulator", "-Xmx512m"));
    command.addAll(List.of("--port", "" + port, "--token", token));
    command.addAll(flags);
    Process p = start("forge-simulator", command, Map.of());
    waitPort(port, p, "forge-simulator", Duration.ofSeconds(60));
    return new Simulator(p, "http://127.0.0.1:" + port, token);
  }

  record Simulator(Process process, String baseUrl, String token) {
    String apiUrl() {
      return baseUrl + "/api/v1/";
    }

    String admin(String method, String path, String body) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + "/_simulator/" + path))
              .timeout(Duration.ofSeconds(30));
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + " -> " + response.statusCode() + " " + response.body());
      }
      return response.body();
    }
  }

  Process worker(Map<String, String> env, String heap) throws Exception {
    int health = freePort();
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("WORKER_HEALTH_PORT", "" + health);
    Process p = start("worker", javaJar("worker", heap), all);
    waitPort(health, p, "worker", Duration.ofSeconds(90));
    return p;
  }

  Gateway gateway(String temporalAddress, String secret, Path repositories) throws Exception {
    int port = freePort();
    Process p =
        start(
            "gateway",
            javaJar("webhook-gateway", "-Xmx512m"),
            Map.of(
                "MICRONAUT_SERVER_PORT",
                "" + port,
                "GITHUB_WEBHOOK_SECRET",
                secret,
                "TEMPORAL_ADDRESS",
                temporalAddress,
                "FORGE_PREVIEW_REPOSITORIES_FILE",
                repositories.toString()));
    waitPort(port, p, "gateway", Duration.ofSeconds(90));
    return new Gateway(p, "http://127.0.0.1:" + port + "/webhook/github");
  }

  record Gateway(Process process, String url) {}

  private List<String> javaJar(String module, String heap) {
    return List.of(
        "java", heap, "-jar", jars.resolve(module + "-" + VERSION + "-standalone.jar").toString());
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (int i = stoppers.size() - 1; i >= 0; i--) {
      try {
        stoppers.get(i).stop();
      } catch (Exception e) {
        Support.log("stopping failed: %s", e);
        Bench.OUTCOME.ownCallsFailed("stopping what the benchmark started", 1, e.toString());
      }
    }
  }

  // ---- measurements of a process --------------------------------------------------------

  /** VmRSS of a process in bytes (from /proc/PID/status), -1 if unknown. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Pss of a process in bytes (from /proc/PID/smaps_rollup), -1 if unknown. */
  static long pssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Used heap in bytes right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
  static long heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    // G1: " garbage-first heap   total 262144K, used 12345K [..."
    Matcher m = Pattern.compile("heap\\s+total\\s+(\\d+)K, used (\\d+)K").matcher(info);
    if (m.find()) {
      return Long.parseLong(m.group(2)) * 1024;
    }
    throw new IllegalStateException("cannot read heap from: " + info);
  }

  static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder("jcmd", "" + pid, command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
