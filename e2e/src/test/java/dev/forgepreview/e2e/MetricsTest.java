package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker's {@code /metrics} and the gateway's {@code /prometheus} after a preview's whole life,
 * checked against what happened: the worker's Forge request counts against the simulator's own.
 */
@ExtendWith(E2eExtension.class)
class MetricsTest {
  private static final String REPO = "acme/shop";
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? ([0-9.eE+-]+)$");

  /** Sum of every sample of {@code name} whose labels contain each of {@code labels}. */
  static double sum(String scrape, String name, String... labels) {
    double total = 0;
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      if (!m.group(1).equals(name)) {
        continue;
      }
      String set = m.group(2) == null ? "" : m.group(2);
      boolean all = true;
      for (String label : labels) {
        all &= set.contains(label);
      }
      if (all) {
        total += Double.parseDouble(m.group(3));
      }
    }
    return total;
  }

  /** The simulator's calls summed per HTTP method ({@code "GET /api/v1/servers/{id}"}). */
  static Map<String, Long> byMethod(JsonNode calls) {
    Map<String, Long> methods = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = calls.path("calls").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> call = it.next();
      methods.merge(call.getKey().split(" ", 2)[0], call.getValue().asLong(), Long::sum);
    }
    return methods;
  }

  static Map<String, Long> workerByMethod(String scrape) {
    Map<String, Long> methods = new TreeMap<>();
    for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
      long count =
          (long) sum(scrape, "forge_preview_forge_requests_total", "method=\"" + method + "\"");
      if (count > 0) {
        methods.put(method, count);
      }
    }
    return methods;
  }

  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d != 0) {
            delta.put(k, d);
          }
        });
    return delta;
  }

  @Test
  void forgeRequestCountsMatchTheSimulatorsAndTheProductSeriesMoved(E2eSystem system)
      throws Exception {
    int number = 401;
    String id = E2eSystem.workflowId(REPO, number);
    String workerBefore = system.scrapeWorker();
    String gatewayBefore = system.scrapeGateway();
    JsonNode simulatorBefore = system.simulatorCalls();

    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");
    E2eSystem.await(
        "the worker to count the READY preview from visibility",
        () -> sum(system.scrapeWorker(), "forge_preview_previews", "phase=\"READY\"") >= 1);
    assertThat(system.sendPullRequest(REPO, "closed", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "DESTROYED");
    String server = E2eSystem.serverName(number);
    E2eSystem.await("nothing left of " + server, () -> system.resources(server).none());

    // Every request the worker made reached the simulator and the other way round, per method.
    Map<String, Long> simulatorBeforeByMethod = byMethod(simulatorBefore);
    Map<String, Long> workerBeforeByMethod = workerByMethod(workerBefore);
    java.util.List<Map<String, Long>> deltas =
        new java.util.ArrayList<>(java.util.List.of(Map.of(), Map.of()));
    E2eSystem.await(
        "the worker's Forge request counts to match the simulator's",
        () -> {
          deltas.set(0, minus(workerByMethod(system.scrapeWorker()), workerBeforeByMethod));
          deltas.set(1, minus(byMethod(system.simulatorCalls()), simulatorBeforeByMethod));
          return !deltas.get(0).isEmpty() && deltas.get(0).equals(deltas.get(1));
        },
        () -> "worker " + deltas.get(0) + ", simulator " + deltas.get(1));
    assertThat(deltas.get(0)).containsKeys("GET", "POST", "DELETE");

    String worker = system.scrapeWorker();
    assertThat(
            sum(worker, "forge_preview_forge_rate_limited_total")
                - sum(workerBefore, "forge_preview_forge_rate_limited_total"))
        .isEqualTo(
            system.simulatorCalls().path("rate_limited").asDouble()
                - simulatorBefore.path("rate_limited").asDouble());
    assertThat(
            sum(worker, "forge_preview_step_duration_seconds_count", "activity=\"CreateServer\"")
                - sum(
                    workerBefore,
                    "forge_preview_step_duration_seconds_count",
                    "activity=\"CreateServer\""))
        .isEqualTo(1);
    assertThat(worker).contains("forge_preview_step_duration_seconds_bucket");
    // The Temporal SDK's own metrics, through Micrometer.
    assertThat(worker).containsPattern("(?m)^temporal_\\w+");

    String gateway = system.scrapeGateway();
    String deliveries = "forge_preview_webhook_deliveries_total";
    assertThat(
            sum(gateway, deliveries, "event=\"pull_request\"", "answer=\"202\"")
                - sum(gatewayBefore, deliveries, "event=\"pull_request\"", "answer=\"202\""))
        .isEqualTo(2);
    assertThat(
            sum(
                gateway,
                "forge_preview_temporal_call_seconds_count",
                "operation=\"signal-with-start\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sum(gateway, "forge_preview_temporal_call_seconds_count", "operation=\"signal\""))
        .isGreaterThanOrEqualTo(1);
  }
}
