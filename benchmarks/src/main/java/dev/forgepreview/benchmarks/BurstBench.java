package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.f;
import static dev.forgepreview.benchmarks.Support.log;

import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** 3. Pull requests opened at once under Forge's rate limit (60 per minute). */
final class BurstBench {
  /**
   * Previews per shared server: a shared server gives each preview its own Redis database (1-15 by
   * default), so a team with 20 open previews spreads them over two servers, as the benchmark does.
   */
  static final int PER_SERVER = 10;

  /** The repository of preview {@code number}: one per shared server. */
  static String repo(int number) {
    return "burst" + (number - 1) / PER_SERVER;
  }

  static String run(Bench.Config config) throws Exception {
    int burst = config.smoke() ? 2 : 20;
    int limit = 60;
    Duration budget = Duration.ofMinutes(config.smoke() ? 2 : 20);
    try (Procs procs = new Procs(config.root(), config.runDir("burst"))) {
      Procs.Temporal temporal = procs.temporal();
      Procs.Simulator simulator = procs.simulator(Previews.TOKEN, Previews.zeroDelays(limit));
      StringBuilder entries = new StringBuilder();
      for (int g = 0; g * PER_SERVER < burst; g++) {
        long serverId = Previews.seedServer(simulator, "shared-bench-" + g);
        entries.append(Support.sharedRepository(repo(g * PER_SERVER + 1), serverId, "PT5S"));
      }
      var repos = Support.repositories(procs.dir, entries.toString());
      procs.worker(Previews.workerEnv(temporal, simulator, limit, repos), "-Xmx1g");
      WorkflowClient client = Support.patientClient(temporal.address());
      // The seeding call is an admin call and not counted; start from a clean limiter window.
      Thread.sleep(1000);
      Previews.Calls before = Previews.calls(simulator);
      Instant start = Instant.now();
      long t0 = System.nanoTime();
      for (int i = 1; i <= burst; i++) {
        Support.signalWithStart(client, repo(i), i, Support.sha(i));
      }
      log("burst: %d previews started in %.2f s", burst, (System.nanoTime() - t0) / 1e9);
      List<PreviewStatus> done = new ArrayList<>();
      long deadline = System.nanoTime() + budget.toNanos();
      List<Double> readyAt = new ArrayList<>();
      boolean[] finished = new boolean[burst + 1];
      while (done.size() < burst && System.nanoTime() < deadline) {
        for (int i = 1; i <= burst; i++) {
          if (finished[i]) {
            continue;
          }
          try {
            PreviewStatus s = Support.status(client, repo(i), i);
            if (s.phase() == Phase.READY || s.phase().isFinal()) {
              finished[i] = true;
              done.add(s);
              readyAt.add((System.nanoTime() - t0) / 1e9);
              log("burst: #%d %s after %.1f s", i, s.phase(), (System.nanoTime() - t0) / 1e9);
            }
          } catch (RuntimeException e) {
            // query under load: ask again
          }
        }
        Thread.sleep(1000);
      }
      Previews.Calls calls = Previews.calls(simulator).minus(before);
      long failed = done.stream().filter(s -> s.phase() != Phase.READY).count();
      long ready = done.size() - failed;
      double last = readyAt.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      double lowerBound = calls.total() * 60.0 / limit;
      // The shared-server pipeline: no server to create, no queue worker, no certificate.
      List<String> floorSteps = Support.forgeSteps(false, false, false);
      double floorBound = (double) burst * floorSteps.size() * 60.0 / limit;
      long successful = calls.total() - calls.rateLimited();
      double successBound = successful * 60.0 / limit;
      StringBuilder out = new StringBuilder();
      out.append(
          Support.table(
              List.of("figure", "value"),
              List.of(
                  List.of("pull requests opened at once", "" + burst),
                  List.of("READY", "" + ready),
                  List.of("failed", "" + failed),
                  List.of(
                      "not finished within " + budget.toMinutes() + " min",
                      "" + (burst - done.size())),
                  List.of("Forge calls (all, incl. 429s)", "" + calls.total()),
                  List.of("429s received", "" + calls.rateLimited()),
                  List.of("Forge calls per preview", f((double) calls.total() / burst, 1)),
                  List.of(
                      "floor of calls per preview (one per Forge step)", "" + floorSteps.size()),
                  List.of(
                      "calls per preview ÷ floor",
                      f((double) calls.total() / burst / floorSteps.size(), 2)),
                  List.of("time to the last READY", f(last, 1) + " s"),
                  List.of(
                      "lower bound: answered calls ÷ " + limit + "/min", f(successBound, 1) + " s"),
                  List.of("last READY ÷ lower bound", f(last / successBound, 2)),
                  List.of(
                      "bound at the floor: "
                          + burst
                          + " × "
                          + floorSteps.size()
                          + " calls ÷ "
                          + limit
                          + "/min",
                      f(floorBound, 1) + " s"),
                  List.of("last READY ÷ bound at the floor", f(last / floorBound, 2)),
                  List.of("median time to READY", f(Support.percentile(readyAt, 50), 1) + " s"))));
      out.append("\nStarted at ")
          .append(start)
          .append("; lower bound counting every call (429s too): ")
          .append(f(lowerBound, 1))
          .append(" s. Floor steps: ")
          .append(String.join(", ", floorSteps))
          .append(". Calls by endpoint: ")
          .append(calls.byEndpoint())
          .append(".\n");
      client.getWorkflowServiceStubs().shutdownNow();
      Bench.OUTCOME.ownCallsFailed("burst previews that ended FAILED", failed, null);
      if (failed > 0 || ready < burst) {
        out.append("\n**Not every preview became READY** (see the worker log of this run).\n");
      }
      return out.toString();
    }
  }
}
