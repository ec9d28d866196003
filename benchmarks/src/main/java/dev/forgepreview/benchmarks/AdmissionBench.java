package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.f;
import static dev.forgepreview.benchmarks.Support.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionState;
import dev.forgepreview.workflows.AdmissionWorkflow.Waiter;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * 8. Admission: a burst of pull requests beyond a repository's {@code maxConcurrentPreviews},
 * delivered as signed webhooks through the gateway; each preview is closed (a signed {@code closed}
 * delivery) as soon as it is seen READY, which frees its slot for the next in the queue.
 */
final class AdmissionBench {
  private static final String REPO = "admission";
  private static final String SECRET = "bench-webhook-secret-0123456789";

  private AdmissionBench() {}

  static String run(Bench.Config config) throws Exception {
    int count = config.smoke() ? 10 : 30;
    int cap = config.smoke() ? 3 : 5;
    Duration budget = Duration.ofMinutes(config.smoke() ? 5 : 20);
    List<String> errors = new ArrayList<>();
    try (Procs procs = new Procs(config.root(), config.runDir("admission"))) {
      Procs.Temporal temporal = procs.temporal();
      Procs.Simulator simulator = procs.simulator(Previews.TOKEN, Previews.zeroDelays(0));
      long serverId = Previews.seedServer(simulator, "shared-admission");
      var repos =
          Support.repositories(
              procs.dir,
              Support.sharedRepository(REPO, serverId, "PT1S")
                  + "    maxConcurrentPreviews: "
                  + cap
                  + "\n");
      procs.worker(Previews.workerEnv(temporal, simulator, 100_000, repos), "-Xmx1g");
      Procs.Gateway gateway = procs.gateway(temporal.address(), SECRET, repos);
      WorkflowClient client = Support.client(temporal.address());
      String coordinator = "admission:forge-server:" + serverId;
      ObjectNode template =
          (ObjectNode)
              Support.JSON.readTree(
                  Files.readAllBytes(
                      config.root().resolve("worker/src/main/resources/dev/pull_request.json")));
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();

      Instant start = Instant.now();
      long t0 = System.nanoTime();
      for (int number = 1; number <= count; number++) {
        String error = deliver(http, gateway, template, "opened", number);
        if (error != null) {
          errors.add("opened #" + number + ": " + error);
        }
      }
      double burstSeconds = (System.nanoTime() - t0) / 1e9;
      log("admission: %d opened deliveries in %.2f s", count, burstSeconds);

      Set<Integer> toldPositions = new TreeSet<>();
      Set<Integer> queryPositions = new TreeSet<>();
      int maxHoldersQueried = 0;
      int maxQueued = 0;
      long queryFailures = 0;
      double[] readyAt = new double[count + 1];
      boolean[] wasReady = new boolean[count + 1];
      boolean[] ended = new boolean[count + 1];
      Phase[] endPhase = new Phase[count + 1];
      int readyCount = 0;
      int endedCount = 0;
      double allReady = Double.NaN;
      long deadline = t0 + budget.toNanos();
      while (endedCount < count && System.nanoTime() < deadline) {
        try {
          AdmissionState state =
              client
                  .newUntypedWorkflowStub(coordinator)
                  .query(PreviewIds.QUERY_ADMISSION, AdmissionState.class);
          maxHoldersQueried = Math.max(maxHoldersQueried, state.holders().size());
          maxQueued = Math.max(maxQueued, state.queue().size());
          for (Waiter w : state.queue()) {
            queryPositions.add(w.position());
          }
        } catch (RuntimeException e) {
          queryFailures++; // not started yet, or the query timed out under load: ask again
        }
        for (int i = 1; i <= count; i++) {
          if (ended[i]) {
            continue;
          }
          PreviewStatus s;
          try {
            s = Support.status(client, REPO, i);
          } catch (RuntimeException e) {
            queryFailures++;
            continue;
          }
          if (s.phase() == Phase.QUEUED && s.queue() != null && s.queue().position() > 0) {
            toldPositions.add(s.queue().position());
          }
          if (!wasReady[i] && (s.phase() == Phase.READY || s.phase().isFinal())) {
            wasReady[i] = true;
            readyAt[i] = (System.nanoTime() - t0) / 1e9;
            readyCount++;
            log("admission: #%d %s after %.1f s", i, s.phase(), readyAt[i]);
            if (readyCount == count) {
              allReady = readyAt[i];
            }
            if (s.phase() == Phase.READY) {
              String error = deliver(http, gateway, template, "closed", i);
              if (error != null) {
                errors.add("closed #" + i + ": " + error);
                ended[i] = true;
                endedCount++;
              }
            }
          }
          if (s.phase().isFinal()) {
            ended[i] = true;
            endPhase[i] = s.phase();
            endedCount++;
          }
        }
        Thread.sleep(250);
      }
      double allEnded = (System.nanoTime() - t0) / 1e9;
      int notReady = count - readyCount;
      int notEnded = count - endedCount;
      long destroyed = 0;
      long failed = 0;
      for (int i = 1; i <= count; i++) {
        if (endPhase[i] == Phase.DESTROYED) {
          destroyed++;
        } else if (endPhase[i] != null) {
          failed++;
        }
      }

      History history = history(client, coordinator);
      AdmissionState last =
          client
              .newUntypedWorkflowStub(coordinator)
              .query(PreviewIds.QUERY_ADMISSION, AdmissionState.class);
      client.getWorkflowServiceStubs().shutdownNow();

      List<Double> readyTimes = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        if (wasReady[i]) {
          readyTimes.add(readyAt[i]);
        }
      }
      double grantSpanMinutes = history.grantSpanMillis() / 60_000.0;
      StringBuilder out = new StringBuilder();
      out.append(
          Support.table(
              List.of("figure", "value"),
              List.of(
                  List.of("pull requests opened at once (signed `opened` deliveries)", "" + count),
                  List.of("`maxConcurrentPreviews`", "" + cap),
                  List.of("the burst's deliveries took", f(burstSeconds, 2) + " s"),
                  List.of(
                      "most slots held at once (coordinator's grant/release history)",
                      "" + history.maxHeld()),
                  List.of("most holders in one `admission` query answer", "" + maxHoldersQueried),
                  List.of("longest queue in one `admission` query answer", "" + maxQueued),
                  List.of("queue positions seen in the `admission` query", "" + queryPositions),
                  List.of(
                      "queue positions the previews were told (`status` → `queue`)",
                      "" + toldPositions),
                  List.of(
                      "grants (history; coordinator's `granted`/`released` counters)",
                      history.grants() + " (" + last.granted() + "/" + last.released() + ")"),
                  List.of("coordinator runs (continue-as-new)", "" + history.runs()),
                  List.of("time from the burst to all READY", f(allReady, 1) + " s"),
                  List.of("median time to READY", f(Support.percentile(readyTimes, 50), 1) + " s"),
                  List.of("time from the burst to all ended (DESTROYED)", f(allEnded, 1) + " s"),
                  List.of(
                      "grants per minute (first to last grant)",
                      f(grantSpanMinutes > 0 ? (history.grants() - 1) / grantSpanMinutes : 0, 1)),
                  List.of(
                      "median release → next grant (grants after the first " + cap + ")",
                      f(Support.percentile(history.handoffsMs(), 50), 0) + " ms"),
                  List.of("DESTROYED / other final phases", destroyed + " / " + failed),
                  List.of(
                      "not READY / not ended within " + budget.toMinutes() + " min",
                      notReady + " / " + notEnded),
                  List.of(
                      "status/admission queries retried (failed under load)", "" + queryFailures),
                  List.of("failed deliveries (errors)", "" + errors.size()))));
      out.append("\nStarted at ").append(start).append(".\n");
      if (history.maxHeld() > cap) {
        out.append("\n**More slots than the cap were held at once.**\n");
      }
      if (notReady > 0 || notEnded > 0 || failed > 0) {
        out.append("\n**Not every preview became READY and DESTROYED** (see the worker log).\n");
      }
      if (!errors.isEmpty()) {
        throw new IllegalStateException("admission benchmark: failed deliveries: " + errors);
      }
      return out.toString();
    }
  }

  /** Null when the gateway accepted the delivery, else what it answered. */
  private static String deliver(
      HttpClient http, Procs.Gateway gateway, ObjectNode template, String action, int number)
      throws Exception {
    byte[] body = payload(template, action, number);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gateway.url()))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "pull_request")
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", "sha256=" + hmac(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2 || response.body().contains("\"ignored\"")) {
      return response.statusCode() + " " + response.body();
    }
    return null;
  }

  private static byte[] payload(ObjectNode template, String action, int number) throws Exception {
    ObjectNode payload = template.deepCopy();
    payload.put("action", action);
    payload.put("number", number);
    ObjectNode pr = (ObjectNode) payload.get("pull_request");
    pr.put("number", number);
    pr.put("state", action.equals("closed") ? "closed" : "open");
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

  private static String hmac(byte[] body) throws Exception {
    return IngestBench.hmac(body);
  }

  record History(
      int maxHeld, int grants, int runs, long grantSpanMillis, List<Double> handoffsMs) {}

  /**
   * Reads every run of the coordinator, oldest first: a grant is an {@code admitted} signal it
   * sent, a release a {@code release} signal it received for a holder (the holders a run carries
   * into the next are the same set, so one set spans the runs).
   */
  static History history(WorkflowClient client, String coordinator) {
    List<WorkflowExecutionMetadata> runs =
        client
            .listExecutions("WorkflowId = '" + coordinator + "'")
            .sorted(Comparator.comparing(WorkflowExecutionMetadata::getStartTime))
            .toList();
    if (runs.isEmpty()) {
      throw new IllegalStateException("no run of " + coordinator + " in visibility");
    }
    Set<String> held = new HashSet<>();
    int max = 0;
    int grants = 0;
    long firstGrant = -1;
    long lastGrant = -1;
    long lastRelease = -1;
    List<Double> handoffs = new ArrayList<>();
    for (WorkflowExecutionMetadata run : runs) {
      for (HistoryEvent event :
          client
              .fetchHistory(coordinator, run.getExecution().getRunId())
              .getHistory()
              .getEventsList()) {
        long millis =
            event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
        if (event.getEventType()
                == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
            && event
                .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
                .getSignalName()
                .equals(PreviewIds.SIGNAL_ADMITTED)) {
          grants++;
          held.add(
              event
                  .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
                  .getWorkflowExecution()
                  .getWorkflowId());
          max = Math.max(max, held.size());
          if (firstGrant < 0) {
            firstGrant = millis;
          }
          lastGrant = millis;
          if (lastRelease >= 0) {
            handoffs.add((double) (millis - lastRelease));
            lastRelease = -1;
          }
        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            && event
                .getWorkflowExecutionSignaledEventAttributes()
                .getSignalName()
                .equals(PreviewIds.SIGNAL_RELEASE)) {
          String payload =
              event
                  .getWorkflowExecutionSignaledEventAttributes()
                  .getInput()
                  .getPayloads(0)
                  .getData()
                  .toStringUtf8();
          try {
            String id = Support.json(payload).path("previewId").asText();
            if (held.remove(id) && lastRelease < 0) {
              lastRelease = millis;
            }
          } catch (Exception e) {
            throw new IllegalStateException("unreadable release " + payload, e);
          }
        }
      }
    }
    return new History(max, grants, runs.size(), lastGrant - firstGrant, handoffs);
  }
}
