package dev.forgepreview.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for benchmarks that run the worker against the simulator. */
final class Previews {
  static final String TOKEN = "bench-simulator-token";
  static final String SECRET_KEY = "bench-preview-secret-key-0123456789";

  private Previews() {}

  static List<String> zeroDelays(int rateLimit) {
    return List.of(
        "--rate-limit",
        "" + rateLimit,
        "--server-ready-after",
        "0",
        "--site-install",
        "0",
        "--site-removal",
        "0",
        "--repository-install",
        "0",
        "--database-install",
        "0",
        "--database-user-install",
        "0",
        "--worker-install",
        "0",
        "--certificate-install",
        "0",
        "--certificate-activation",
        "0",
        "--deploy-queue",
        "0",
        "--deploy-duration",
        "0",
        "--allow-concurrent-deploys");
  }

  static Map<String, String> workerEnv(
      Procs.Temporal temporal,
      Procs.Simulator simulator,
      int ratePerMinute,
      java.nio.file.Path repos) {
    return Map.of(
        "TEMPORAL_ADDRESS", temporal.address(),
        "FORGE_API_URL", simulator.apiUrl(),
        "FORGE_API_TOKEN", simulator.token(),
        "FORGE_RATE_LIMIT_PER_MINUTE", "" + ratePerMinute,
        "PREVIEW_SECRET_KEY", SECRET_KEY,
        "FORGE_PREVIEW_REPOSITORIES_FILE", repos.toString(),
        "CLEANUP_INTERVAL", "PT24H");
  }

  /** Polls the status query until the phase is READY or final; null when the limit passed. */
  static PreviewStatus await(
      WorkflowClient client, String repo, int number, Duration limit, long pollMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    PreviewStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = Support.status(client, repo, number);
        if (last.phase() == Phase.READY || last.phase().isFinal()) {
          return last;
        }
      } catch (RuntimeException e) {
        // not started yet, or the query timed out under load: ask again
      }
      Thread.sleep(pollMillis);
    }
    throw new IllegalStateException(
        "preview " + repo + "#" + number + " not READY within " + limit + "; last: " + last);
  }

  static StepRecord step(PreviewStatus status, String name) {
    return status.steps().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no step " + name + " in " + status));
  }

  static double seconds(String from, String to) {
    return Duration.between(Instant.parse(from), Instant.parse(to)).toMillis() / 1000.0;
  }

  /** The simulator's per-endpoint call counts. */
  static Calls calls(Procs.Simulator simulator) throws Exception {
    JsonNode node = Support.json(simulator.admin("GET", "calls", null));
    Map<String, Long> counts = new TreeMap<>();
    node.path("calls")
        .fields()
        .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    return new Calls(node.path("total").asLong(), node.path("rate_limited").asLong(), counts);
  }

  record Calls(long total, long rateLimited, Map<String, Long> byEndpoint) {
    Calls minus(Calls before) {
      Map<String, Long> diff = new TreeMap<>();
      byEndpoint.forEach(
          (k, v) -> {
            long d = v - before.byEndpoint.getOrDefault(k, 0L);
            if (d != 0) {
              diff.put(k, d);
            }
          });
      return new Calls(total - before.total, rateLimited - before.rateLimited, diff);
    }
  }

  static long seedServer(Procs.Simulator simulator, String name) throws Exception {
    JsonNode node = Support.json(simulator.admin("POST", "servers", "{\"name\":\"" + name + "\"}"));
    return node.path("server").path("id").asLong();
  }
}
