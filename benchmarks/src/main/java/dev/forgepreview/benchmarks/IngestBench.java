package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.f;
import static dev.forgepreview.benchmarks.Support.log;
import static dev.forgepreview.benchmarks.Support.percentile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** 1. Signed deliveries through the gateway against the same signal-with-start made directly. */
final class IngestBench {
  private static final String REPO = "shop";
  private static final String SECRET = "bench-webhook-secret-0123456789";

  interface Call {
    /** Returns null on success, else what went wrong. */
    String run(int number) throws Exception;
  }

  record Round(
      String path,
      int count,
      double seconds,
      List<Double> latenciesMs,
      int errors,
      double[] cpuSeconds) {}

  /** The processes whose CPU each round measures: the Temporal server, the gateway, this JVM. */
  static long[] pids = new long[0];

  static final List<String> CPU_OF =
      List.of("Temporal server", "gateway", "callers (the benchmark's JVM)");

  static String run(Bench.Config config) throws Exception {
    int deliveries = config.smoke() ? 200 : 2000;
    int warmup = config.smoke() ? 50 : 200;
    int concurrency = 16;
    Duration roundLimit = Duration.ofMinutes(config.smoke() ? 1 : 5);
    try (Procs procs = new Procs(config.root(), config.runDir("ingest"))) {
      Procs.Temporal temporal = procs.temporal();
      var repositories = Support.repositories(procs.dir, Support.sharedRepository(REPO, 1, "PT5S"));
      Procs.Gateway gateway = procs.gateway(temporal.address(), SECRET, repositories);
      pids =
          new long[] {
            temporal instanceof Procs.DevServer dev ? dev.process().pid() : -1,
            gateway.process().pid(),
            ProcessHandle.current().pid()
          };
      WorkflowClient client = Support.client(temporal.address());
      ObjectNode template =
          (ObjectNode)
              Support.JSON.readTree(
                  Files.readAllBytes(
                      config.root().resolve("worker/src/main/resources/dev/pull_request.json")));
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .executor(Executors.newFixedThreadPool(4))
              .build();
      Call direct =
          number -> {
            Support.signalWithStart(client, REPO, number, Support.sha(number));
            return null;
          };
      Call viaGateway =
          number -> {
            byte[] body = payload(template, number);
            HttpRequest request =
                HttpRequest.newBuilder(URI.create(gateway.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "pull_request")
                    .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .header("X-Hub-Signature-256", "sha256=" + hmac(body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<String> response =
                http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202 || !response.body().contains("\"started\"")) {
              return response.statusCode() + " " + response.body();
            }
            return null;
          };
      // Distinct pull request numbers per path and round: every call starts a new workflow.
      log("ingest: warm-up, %d per path", warmup);
      round("direct", direct, 1_000_000, warmup, concurrency, roundLimit);
      round("gateway", viaGateway, 2_000_000, warmup, concurrency, roundLimit);
      int half = deliveries / 2;
      List<Round> rounds = new ArrayList<>();
      rounds.add(round("direct", direct, 10_000, half, concurrency, roundLimit));
      rounds.add(round("gateway", viaGateway, 20_000, half, concurrency, roundLimit));
      rounds.add(round("gateway", viaGateway, 30_000, half, concurrency, roundLimit));
      rounds.add(round("direct", direct, 40_000, half, concurrency, roundLimit));
      long dbBytes = temporal.dbBytes();

      client.getWorkflowServiceStubs().shutdownNow();

      List<List<String>> rows = new ArrayList<>();
      double[] throughput = new double[2];
      double[] p50 = new double[2];
      double[] p99 = new double[2];
      for (String path : List.of("direct", "gateway")) {
        List<Double> latencies = new ArrayList<>();
        int count = 0;
        int errors = 0;
        double seconds = 0;
        for (Round r : rounds) {
          if (r.path().equals(path)) {
            latencies.addAll(r.latenciesMs());
            count += r.count();
            errors += r.errors();
            seconds += r.seconds();
          }
        }
        int i = path.equals("direct") ? 0 : 1;
        throughput[i] = count / seconds;
        p50[i] = percentile(latencies, 50);
        p99[i] = percentile(latencies, 99);
        rows.add(
            List.of(
                path.equals("direct")
                    ? "baseline: signal-with-start from a plain Temporal client"
                    : "gateway: signed POST /webhook/github → 202",
                "" + count,
                "" + errors,
                f(seconds, 1),
                f(throughput[i], 0),
                f(p50[i], 1),
                f(percentile(latencies, 90), 1),
                f(p99[i], 1),
                f(percentile(latencies, 100), 1)));
      }
      StringBuilder out = new StringBuilder();
      out.append(
          Support.table(
              List.of(
                  "path",
                  "deliveries",
                  "errors",
                  "wall s",
                  "per s",
                  "p50 ms",
                  "p90 ms",
                  "p99 ms",
                  "max ms"),
              rows));
      out.append("\n")
          .append(
              Support.table(
                  List.of("gateway ÷ baseline", "value"),
                  List.of(
                      List.of("throughput", f(throughput[1] / throughput[0], 2)),
                      List.of("p50 latency", f(p50[1] / p50[0], 2)),
                      List.of("p99 latency", f(p99[1] / p99[0], 2)))));
      out.append("\nRounds in the order run (")
          .append(concurrency)
          .append(" concurrent callers each; after a warm-up of ")
          .append(warmup)
          .append(" calls per path): ");
      for (Round r : rounds) {
        out.append(r.path())
            .append(" ")
            .append(r.count())
            .append(" in ")
            .append(f(r.seconds(), 1))
            .append(" s; ");
      }
      out.append("Temporal's SQLite file afterwards: ")
          .append(f(Procs.mib(dbBytes), 1))
          .append(" MiB.\n");
      // Where the 2 cores went: CPU per call of each process, per path (from /proc/PID/stat).
      List<List<String>> cpuRows = new ArrayList<>();
      for (String path : List.of("direct", "gateway")) {
        double[] total = new double[CPU_OF.size()];
        double seconds = 0;
        int count = 0;
        for (Round r : rounds) {
          if (r.path().equals(path)) {
            for (int i = 0; i < total.length; i++) {
              total[i] += r.cpuSeconds()[i];
            }
            seconds += r.seconds();
            count += r.count();
          }
        }
        List<String> row = new ArrayList<>();
        row.add(path.equals("direct") ? "baseline" : "gateway");
        double sum = 0;
        for (double t : total) {
          row.add(f(t * 1000 / count, 2));
          sum += t;
        }
        row.add(f(sum * 1000 / count, 2));
        row.add(f(sum / seconds, 2));
        cpuRows.add(row);
      }
      List<String> header = new ArrayList<>();
      header.add("path");
      for (String name : CPU_OF) {
        header.add(name + ", CPU ms per call");
      }
      header.add("all three, CPU ms per call");
      header.add("cores busy (all three CPU s ÷ wall s)");
      out.append("\nCPU per call, by process (user + system time from /proc/PID/stat over the")
          .append(" measured rounds of each path; the machine has ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores):\n\n")
          .append(Support.table(header, cpuRows));
      return out.toString();
    }
  }

  static Round round(
      String path, Call call, int firstNumber, int count, int concurrency, Duration limit)
      throws Exception {
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    long deadline = System.nanoTime() + limit.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    double[] cpuBefore = cpu();
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      pool.execute(
          () -> {
            int i;
            while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
              long t0 = System.nanoTime();
              String error;
              try {
                error = call.run(firstNumber + i);
              } catch (Exception e) {
                error = e.toString();
              }
              latencies.add((System.nanoTime() - t0) / 1e6);
              if (error != null) {
                errors.add(error);
              }
            }
          });
    }
    pool.shutdown();
    if (!pool.awaitTermination(limit.toSeconds() + 30, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] cpu = cpu();
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] -= cpuBefore[i];
    }
    if (!errors.isEmpty()) {
      log("ingest %s: %d errors, first: %s", path, errors.size(), errors.peek());
    }
    if (firstNumber < 1_000_000) {
      // Measured rounds only: a warm-up call that times out while the JVMs are cold is no failure.
      Bench.OUTCOME.ownCallsFailed("ingest " + path + " calls", errors.size(), errors.peek());
    }
    log("ingest %s: %d calls in %.1f s", path, latencies.size(), seconds);
    if (latencies.size() < count) {
      throw new IllegalStateException(
          path + ": only " + latencies.size() + " of " + count + " calls within " + limit);
    }
    return new Round(
        path, latencies.size(), seconds, new ArrayList<>(latencies), errors.size(), cpu);
  }

  private static double[] cpu() {
    double[] cpu = new double[pids.length];
    for (int i = 0; i < pids.length; i++) {
      cpu[i] = pids[i] < 0 ? Double.NaN : ProcStat.cpuSeconds(pids[i])[0];
    }
    return cpu;
  }

  static byte[] payload(ObjectNode template, int number) throws Exception {
    ObjectNode payload = template.deepCopy();
    payload.put("action", "opened");
    payload.put("number", number);
    ObjectNode pr = (ObjectNode) payload.get("pull_request");
    pr.put("number", number);
    pr.put("state", "open");
    pr.put("draft", false);
    ObjectNode head = (ObjectNode) pr.get("head");
    head.put("sha", Support.sha(number));
    head.put("ref", "feature/bench-" + number);
    String repository = Support.OWNER + "/" + REPO;
    ((ObjectNode) head.get("repo")).put("full_name", repository);
    ObjectNode repo = (ObjectNode) payload.get("repository");
    repo.put("full_name", repository);
    repo.put("name", REPO);
    ((ObjectNode) repo.get("owner")).put("login", Support.OWNER);
    return Support.JSON.writeValueAsBytes(payload);
  }

  static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
