package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.f;
import static dev.forgepreview.benchmarks.Support.log;

import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** 2. A full preview's wall time and Forge calls at zero delays; the poll lag at defaults. */
final class OrchestrationBench {
  /** The "fast" repository: dedicated server, queue worker (the default), certificate. */
  static final List<String> FORGE_STEPS = Support.forgeSteps(true, true, true);

  static String run(Bench.Config config) throws Exception {
    int previews = config.smoke() ? 2 : 5;
    StringBuilder out = new StringBuilder();
    try (Procs procs = new Procs(config.root(), config.runDir("orchestration"))) {
      Procs.Temporal temporal = procs.temporal();
      Procs.Simulator simulator = procs.simulator(Previews.TOKEN, Previews.zeroDelays(0));
      String lagTimeouts =
          config.smoke()
              ? "      serverPollInterval: PT2S\n      deploymentPollInterval: PT1S\n"
              : "";
      var repos =
          Support.repositories(
              procs.dir,
              "  bench/fast:\n"
                  + "    trigger: auto\n    mode: dedicated\n    domain: preview.localhost\n"
                  + "    server: {provider: ocean2, credentialId: 1, region: ams2, size: \"01\"}\n"
                  + "    certificate: true\n    ttl: P1D\n    maxConcurrentPreviews: 0\n"
                  + "    timeouts:\n      serverPollInterval: PT1S\n"
                  + "      resourcePollInterval: PT1S\n      deploymentPollInterval: PT1S\n"
                  + "      healthTries: 1\n      healthInterval: PT1S\n"
                  + "      connectivityTries: 1\n      connectivityInterval: PT1S\n"
                  + "  bench/lag:\n"
                  + "    trigger: auto\n    mode: dedicated\n    domain: preview.localhost\n"
                  + "    server: {provider: ocean2, credentialId: 1, region: ams2, size: \"01\"}\n"
                  + "    certificate: true\n    ttl: P1D\n    maxConcurrentPreviews: 0\n"
                  + "    timeouts:\n"
                  + lagTimeouts
                  + "      connectivityTries: 1\n");
      Process worker =
          procs.worker(Previews.workerEnv(temporal, simulator, 100_000, repos), "-Xmx1g");
      WorkflowClient client = Support.patientClient(temporal.address());

      // ---- A: zero delays --------------------------------------------------------------
      // One warm-up preview (JIT, connections), then `previews` measured, one at a time.
      List<List<String>> rows = new ArrayList<>();
      Map<String, List<Double>> stepSeconds = new LinkedHashMap<>();
      Previews.Calls lastCalls = null;
      List<List<String>> timeRows = new ArrayList<>();
      Map<String, List<double[]>> byActivity = new LinkedHashMap<>();
      for (int n = 0; n <= previews; n++) {
        Previews.Calls before = Previews.calls(simulator);
        long t0 = System.nanoTime();
        Support.signalWithStart(client, "fast", 100 + n, Support.sha(100 + n));
        PreviewStatus status = Previews.await(client, "fast", 100 + n, Duration.ofMinutes(2), 20);
        double wall = (System.nanoTime() - t0) / 1e9;
        Previews.Calls calls = Previews.calls(simulator).minus(before);
        if (status.phase() != Phase.READY) {
          throw new IllegalStateException("preview ended " + status.phase() + ": " + status);
        }
        String first = status.steps().get(0).startedAt();
        String last = status.steps().get(status.steps().size() - 1).finishedAt();
        log("orchestration: preview %d READY in %.2f s, %d Forge calls", n, wall, calls.total());
        if (n == 0) {
          continue;
        }
        lastCalls = calls;
        for (StepRecord s : status.steps()) {
          if (s.startedAt() != null && s.finishedAt() != null) {
            stepSeconds
                .computeIfAbsent(s.name() + " (" + s.state() + ")", k -> new ArrayList<>())
                .add(Previews.seconds(s.startedAt(), s.finishedAt()));
          }
        }
        HistoryTimes.Times times =
            HistoryTimes.of(client, PreviewIds.workflowId(Support.OWNER, "fast", 100 + n));
        for (HistoryTimes.Span span : times.activities()) {
          byActivity
              .computeIfAbsent(span.type(), k -> new ArrayList<>())
              .add(new double[] {span.dispatchMs(), span.runMs(), span.turnMs()});
        }
        timeRows.add(
            List.of(
                "#" + n,
                f(times.firstToLastMs(), 0),
                "" + times.activities().size(),
                f(times.sum(HistoryTimes.Span::dispatchMs), 0),
                f(times.sum(HistoryTimes.Span::runMs), 0),
                f(times.sum(HistoryTimes.Span::turnMs), 0),
                times.tasks().count()
                    + ": "
                    + f(times.tasks().queuedMs(), 0)
                    + " / "
                    + f(times.tasks().runMs(), 0)));
        rows.add(
            List.of(
                "#" + n,
                f(wall, 2),
                f(Previews.seconds(first, last), 2),
                "" + calls.total(),
                f((double) calls.total() / FORGE_STEPS.size(), 2),
                "" + calls.rateLimited()));
      }
      out.append("**A. Zero simulator delays** (dedicated server, certificate, queue worker, no")
          .append(" database clone; poll intervals PT1S; one warm-up preview, then ")
          .append(previews)
          .append(" measured one after another):\n\n")
          .append(
              Support.table(
                  List.of(
                      "preview",
                      "start call → READY seen, s",
                      "first step start → last step end, s",
                      "Forge calls",
                      "÷ floor of " + FORGE_STEPS.size(),
                      "429s"),
                  rows));
      List<List<String>> stepRows = new ArrayList<>();
      stepSeconds.forEach(
          (name, values) ->
              stepRows.add(
                  List.of(
                      name,
                      f(Support.percentile(values, 50) * 1000, 0),
                      f(Support.percentile(values, 100) * 1000, 0))));
      out.append("\nPer step (from the `status` query's startedAt/finishedAt):\n\n")
          .append(Support.table(List.of("step", "median ms", "max ms"), stepRows));
      out.append(
              "\nWhere the time went, from each measured preview's history (event times on the"
                  + " Temporal server's clock): for each activity, the wait for a worker to take it"
                  + " (scheduled → started), its run on the worker (started → closed, the Forge"
                  + " request inside), and the workflow's turn after it (closed → the next"
                  + " command's event: the workflow task's wait in its queue, the worker's"
                  + " decision, the server's writes); and the workflow tasks, their total wait in"
                  + " the queue and on the worker:\n\n")
          .append(
              Support.table(
                  List.of(
                      "preview",
                      "first → last event, ms",
                      "activities",
                      "Σ wait for a worker, ms",
                      "Σ run, ms",
                      "Σ turn after, ms",
                      "workflow tasks: Σ queued / Σ on the worker, ms"),
                  timeRows));
      List<List<String>> activityRows = new ArrayList<>();
      byActivity.forEach(
          (type, values) ->
              activityRows.add(
                  List.of(
                      type,
                      "" + values.size(),
                      f(Support.percentile(column(values, 0), 50), 1),
                      f(Support.percentile(column(values, 1), 50), 1),
                      f(Support.percentile(column(values, 2), 50), 1))));
      out.append("\nThe same by activity type (medians over the measured previews):\n\n")
          .append(
              Support.table(
                  List.of("activity", "runs", "wait for a worker, ms", "run, ms", "turn after, ms"),
                  activityRows));
      List<List<String>> callRows = new ArrayList<>();
      lastCalls.byEndpoint().forEach((k, v) -> callRows.add(List.of("`" + k + "`", "" + v)));
      out.append("\nForge calls of the last measured preview, by endpoint (")
          .append(lastCalls.total())
          .append(" in all, ")
          .append(f((double) lastCalls.total() / FORGE_STEPS.size(), 2))
          .append("× the floor; the floor is ")
          .append(FORGE_STEPS.size())
          .append(": one call for each of the ")
          .append(FORGE_STEPS.size())
          .append(" steps that talk to Forge, ")
          .append(String.join(", ", FORGE_STEPS))
          .append(", with every poll answered ready at once):\n\n")
          .append(Support.table(List.of("endpoint", "calls"), callRows));

      // ---- B: poll lag at the default intervals ------------------------------------------
      long readyA = config.smoke() ? 3 : 45;
      long readyB = config.smoke() ? 5 : 100;
      long deployQueue = config.smoke() ? 1 : 2;
      long deployRun = config.smoke() ? 2 : 25;
      simulator.admin(
          "POST",
          "settings",
          "{\"deployQueueDuration\":" + deployQueue + ",\"deployDuration\":" + deployRun + "}");
      List<List<String>> lagRows = new ArrayList<>();
      long[] readyAfter = {readyA, readyB};
      Previews.Calls beforeLag = Previews.calls(simulator);
      for (int i = 0; i < 2; i++) {
        simulator.admin("POST", "settings", "{\"serverReadyAfter\":" + readyAfter[i] + "}");
        Support.signalWithStart(client, "lag", 200 + i, Support.sha(200 + i));
        // Let this preview's server be created before the next setting applies.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
          try {
            PreviewStatus s = Support.status(client, "lag", 200 + i);
            if (s.steps().stream()
                .anyMatch(x -> x.name().equals("create-server") && x.finishedAt() != null)) {
              break;
            }
          } catch (RuntimeException e) {
            // not yet
          }
          Thread.sleep(100);
        }
      }
      for (int i = 0; i < 2; i++) {
        PreviewStatus s =
            Previews.await(client, "lag", 200 + i, Duration.ofMinutes(config.smoke() ? 1 : 8), 500);
        if (s.phase() != Phase.READY) {
          throw new IllegalStateException("lag preview ended " + s.phase() + ": " + s);
        }
        StepRecord create = Previews.step(s, "create-server");
        StepRecord wait = Previews.step(s, "wait-server-ready");
        StepRecord deploy = Previews.step(s, "deploy");
        StepRecord waitDeploy = Previews.step(s, "wait-deployment");
        double serverLag = Previews.seconds(create.finishedAt(), wait.finishedAt()) - readyAfter[i];
        double serverWidth = Previews.seconds(create.startedAt(), create.finishedAt());
        double deployLag =
            Previews.seconds(deploy.finishedAt(), waitDeploy.finishedAt())
                - deployQueue
                - deployRun;
        double deployWidth = Previews.seconds(deploy.startedAt(), deploy.finishedAt());
        lagRows.add(
            List.of(
                "#" + (200 + i),
                readyAfter[i] + " s",
                f(serverLag, 1) + " (+" + f(serverWidth, 2) + ")",
                f(Previews.seconds(wait.startedAt(), wait.finishedAt()), 1),
                (deployQueue + deployRun) + " s",
                f(deployLag, 1) + " (+" + f(deployWidth, 2) + ")",
                f(Previews.seconds(waitDeploy.startedAt(), waitDeploy.finishedAt()), 1)));
      }
      Previews.Calls lagCalls = Previews.calls(simulator).minus(beforeLag);
      out.append("\n**B. Poll lag** at ")
          .append(
              config.smoke()
                  ? "shortened intervals (smoke: server PT2S, deployment PT1S)"
                  : "the default intervals (server PT2M, deployment PT10S, other resources PT5S)")
          .append(
              "; two previews, the second started once the first's server existed. Lag = the"
                  + " wait step's finishedAt − the moment the simulator turned the thing ready;"
                  + " that moment is known to within the create/deploy call's duration (in"
                  + " brackets, which the true lag may exceed the figure by):\n\n")
          .append(
              Support.table(
                  List.of(
                      "preview",
                      "server ready after",
                      "server lag s",
                      "wait-server-ready step s",
                      "deployment takes",
                      "deployment lag s",
                      "wait-deployment step s"),
                  lagRows))
          .append("\nForge calls of both lag previews: ")
          .append(lagCalls.total())
          .append(" (")
          .append(lagCalls.byEndpoint())
          .append(").\n");
      out.append("\nWorker RSS at the end: ")
          .append(f(Procs.mib(Procs.rssBytes(worker.pid())), 0))
          .append(" MiB.\n");
      client.getWorkflowServiceStubs().shutdownNow();
    }
    return out.toString();
  }

  private static List<Double> column(List<double[]> values, int i) {
    List<Double> column = new ArrayList<>();
    for (double[] v : values) {
      column.add(v[i]);
    }
    return column;
  }
}
