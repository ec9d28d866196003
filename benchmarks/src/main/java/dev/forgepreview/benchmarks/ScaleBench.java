package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.f;
import static dev.forgepreview.benchmarks.Support.log;

import dev.forgepreview.workflows.PreviewIds;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** 4. Previews held open (READY, waiting on their TTL) on one worker and the dev server. */
final class ScaleBench {
  /**
   * Minutes each level of the full run may take, e.g. {@code 2,8,45}: the environment variable
   * {@code FORGE_PREVIEW_SCALE_BUDGETS}, else 2, 8 and 45 minutes.
   */
  static Duration[] fullBudgets(String minutes) {
    String[] parts = (minutes == null || minutes.isBlank() ? "2,8,45" : minutes).split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("FORGE_PREVIEW_SCALE_BUDGETS needs three minutes: a,b,c");
    }
    Duration[] budgets = new Duration[3];
    for (int i = 0; i < 3; i++) {
      budgets[i] = Duration.ofMinutes(Long.parseLong(parts[i].trim()));
    }
    return budgets;
  }

  /** Previews per shared server: the size of a shared server's Redis database range (1-15). */
  static final int PER_SERVER = 15;

  /** The repository of preview {@code number}: previews 1-15 are scale0's, 16-30 scale1's, ... */
  static String repo(int number) {
    return "scale" + (number - 1) / PER_SERVER;
  }

  static String run(Bench.Config config) throws Exception {
    int[] levels = config.smoke() ? new int[] {10, 50} : new int[] {100, 1000, 10000};
    Duration[] budgets =
        config.smoke()
            ? new Duration[] {Duration.ofSeconds(60), Duration.ofSeconds(60)}
            : fullBudgets(System.getenv("FORGE_PREVIEW_SCALE_BUDGETS"));
    int maxInFlight = 200;
    String heap = "-Xmx2g";
    List<List<String>> rows = new ArrayList<>();
    String stopped = null;
    StringBuilder out = new StringBuilder();
    try (Procs procs = new Procs(config.root(), config.runDir("scale"))) {
      Procs.Temporal temporal = procs.temporal();
      Procs.Simulator simulator = procs.simulator(Previews.TOKEN, Previews.zeroDelays(0));
      // As a team would: shared servers of PER_SERVER previews each (the admission coordinator of
      // a shared server hands out its Redis databases 1-15, one per live preview), one repository
      // per server.
      int servers = (levels[levels.length - 1] + PER_SERVER - 1) / PER_SERVER;
      StringBuilder entries = new StringBuilder();
      for (int g = 0; g < servers; g++) {
        long serverId = Previews.seedServer(simulator, "shared-scale-" + g);
        entries.append(Support.sharedRepository(repo(g * PER_SERVER + 1), serverId, "PT1S"));
      }
      var repos = Support.repositories(procs.dir, entries.toString());
      Process worker =
          procs.worker(Previews.workerEnv(temporal, simulator, 1_000_000, repos), heap);
      WorkflowClient client = Support.patientClient(temporal.address());
      // The benchmark's own Temporal server holds nothing but its previews and their coordinators.
      String readyQuery = "PreviewPhase = 'READY' AND ExecutionStatus = 'Running'";
      String failedQuery = "PreviewPhase = 'FAILED'";
      rows.add(measure(0, 0, 0, client, worker, temporal, List.of()));
      AtomicInteger startedCount = new AtomicInteger();
      ExecutorService starters = Executors.newFixedThreadPool(4);
      long runStart = System.nanoTime();
      long failedSeen = 0;
      for (int li = 0; li < levels.length; li++) {
        int target = levels[li];
        long stepStart = System.nanoTime();
        long deadline = stepStart + budgets[li].toNanos();
        int fromCount = startedCount.get();
        long ready = count(client, readyQuery);
        // Keep at most maxInFlight previews provisioning at once.
        while (ready < target && System.nanoTime() < deadline) {
          int want = (int) Math.min(target, ready + maxInFlight) - startedCount.get();
          if (want > 0) {
            Semaphore done = new Semaphore(0);
            for (int k = 0; k < want; k++) {
              int number = startedCount.incrementAndGet();
              starters.execute(
                  () -> {
                    try {
                      Support.signalWithStart(client, repo(number), number, Support.sha(number));
                    } catch (RuntimeException e) {
                      log("scale: start of #%d failed: %s", number, e);
                      Bench.OUTCOME.ownCallsFailed("scale starts", 1, e.toString());
                    } finally {
                      done.release();
                    }
                  });
            }
            done.tryAcquire(want, 2, TimeUnit.MINUTES);
          }
          Thread.sleep(1000);
          ready = count(client, readyQuery);
          long failed = count(client, failedQuery);
          if (failed > 0) {
            stopped = failed + " previews FAILED (see the worker log)";
            failedSeen = Math.max(failedSeen, failed);
          }
          log(
              "scale: target %d, started %d, READY %d, FAILED %d, worker RSS %.0f MiB",
              target, startedCount.get(), ready, failed, Procs.mib(Procs.rssBytes(worker.pid())));
          if (!worker.isAlive() || !temporal.process().isAlive()) {
            stopped = (worker.isAlive() ? "the Temporal server" : "the worker") + " exited";
            break;
          }
        }
        double seconds = (System.nanoTime() - stepStart) / 1e9;
        List<String> sample = new ArrayList<>();
        for (int n : new int[] {1, Math.max(1, target / 2), Math.max(1, (int) ready)}) {
          sample.add(PreviewIds.workflowId(Support.OWNER, repo(n), n));
        }
        Thread.sleep(3000);
        List<String> row =
            measure(target, ready, (ready - fromCount) / seconds, client, worker, temporal, sample);
        rows.add(row);
        if (ready < target) {
          if (stopped == null) {
            stopped =
                "the step's time budget of "
                    + budgets[li].toMinutes()
                    + " min ran out at "
                    + ready
                    + " READY of "
                    + target;
          }
          break;
        }
        if (stopped != null) {
          break;
        }
      }
      starters.shutdownNow();
      Bench.OUTCOME.ownCallsFailed("scale previews that ended FAILED", failedSeen, null);
      double total = (System.nanoTime() - runStart) / 1e9;
      client.getWorkflowServiceStubs().shutdownNow();
      out.append(
          Support.table(
              List.of(
                  "target",
                  "READY (open)",
                  "previews/s to get there",
                  "worker heap after GC MiB",
                  "worker RSS MiB",
                  "Temporal server RSS MiB",
                  "Temporal DB MiB (db+wal+shm)",
                  "history events per preview (sample)",
                  "heap KiB per preview",
                  "DB KiB per preview"),
              rows));
      out.append("\nWorker heap limit ")
          .append(heap)
          .append("; at most ")
          .append(maxInFlight)
          .append(" previews provisioning at once; READY counted with the visibility query `")
          .append(readyQuery)
          .append("`. Time for all steps: ")
          .append(f(total, 0))
          .append(" s.\n");
      if (stopped != null) {
        out.append("\n**Stopped short:** ").append(stopped).append(".\n");
      }
    }
    return out.toString();
  }

  private static long count(WorkflowClient client, String query) {
    try {
      return client.countWorkflows(query).getCount();
    } catch (RuntimeException e) {
      log("scale: count failed: %s", e);
      return 0;
    }
  }

  private static long[] base = new long[2];

  private static List<String> measure(
      int target,
      long ready,
      double rate,
      WorkflowClient client,
      Process worker,
      Procs.Temporal temporal,
      List<String> sample)
      throws Exception {
    long heap = Procs.heapAfterGc(worker.pid());
    long db = temporal.dbBytes();
    if (target == 0) {
      base = new long[] {heap, db};
    }
    List<String> events = new ArrayList<>();
    for (String id : sample) {
      try {
        events.add("" + client.fetchHistory(id).getEvents().size());
      } catch (RuntimeException e) {
        events.add("?");
      }
    }
    return List.of(
        target == 0 ? "0 (worker idle)" : "" + target,
        "" + ready,
        target == 0 ? "—" : f(rate, 1),
        f(Procs.mib(heap), 1),
        f(Procs.mib(Procs.rssBytes(worker.pid())), 0),
        f(Procs.mib(Procs.rssBytes(temporal.process().pid())), 0),
        f(Procs.mib(db), 1),
        events.isEmpty() ? "—" : String.join(", ", events),
        ready == 0 ? "—" : f((heap - base[0]) / 1024.0 / ready, 1),
        ready == 0 ? "—" : f((db - base[1]) / 1024.0 / ready, 1));
  }
}
