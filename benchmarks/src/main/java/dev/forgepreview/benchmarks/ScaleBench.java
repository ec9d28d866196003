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

/**
 * 4. Previews held open (READY, waiting on their TTL) on one worker and the dev server; 4b. the
 * same levels up to 1,000 against a Temporal server on PostgreSQL ({@code scale-postgres}).
 */
final class ScaleBench {
  /**
   * Minutes each level of the full run may take, e.g. {@code 2,8,45}: the environment variable
   * {@code FORGE_PREVIEW_SCALE_BUDGETS}, else 2, 8 and 45 minutes. A level given 0 minutes is not
   * run (nor any after it).
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

  /** The levels of the full run. */
  static final int[] FULL_LEVELS = {100, 1000, 10000};

  /** The levels to run: those before the first budget of 0 (at most {@code count}). */
  static int[] levels(int[] all, Duration[] budgets, int count) {
    int n = 0;
    while (n < Math.min(count, all.length) && !budgets[n].isZero()) {
      n++;
    }
    return java.util.Arrays.copyOf(all, n);
  }

  /** 4: 100, 1,000 and 10,000 previews (10 and 50 with --smoke) on the dev server. */
  static String run(Bench.Config config) throws Exception {
    return run(config, Procs::temporal, 3);
  }

  /** 4b: ScaleBench's levels up to 1,000 (100, 1,000) on a Temporal server on PostgreSQL. */
  static String runOnPostgres(Bench.Config config) throws Exception {
    return run(config, Procs::temporalOnPostgres, 2);
  }

  /** How a run gets its Temporal server from its {@link Procs}. */
  interface TemporalStarter {
    Procs.Temporal start(Procs procs) throws Exception;
  }

  private static String run(Bench.Config config, TemporalStarter starter, int levelCount)
      throws Exception {
    Duration[] budgets =
        config.smoke()
            ? new Duration[] {Duration.ofSeconds(60), Duration.ofSeconds(60)}
            : fullBudgets(System.getenv("FORGE_PREVIEW_SCALE_BUDGETS"));
    int[] levels = levels(config.smoke() ? new int[] {10, 50} : FULL_LEVELS, budgets, levelCount);
    if (levels.length == 0) {
      throw new IllegalArgumentException("FORGE_PREVIEW_SCALE_BUDGETS gives the first level 0 min");
    }
    int maxInFlight = 200;
    String heap = "-Xmx2g";
    List<List<String>> rows = new ArrayList<>();
    String stopped = null;
    StringBuilder out = new StringBuilder();
    String name = levelCount == 3 ? "scale" : "scale-postgres";
    try (Procs procs = new Procs(config.root(), config.runDir(name))) {
      Procs.Temporal temporal = starter.start(procs);
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
          if (!worker.isAlive() || !temporal.alive()) {
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
      List<String> headers = new ArrayList<>();
      headers.addAll(
          List.of(
              "target",
              "READY (open)",
              "previews/s to get there",
              "worker heap after GC MiB",
              "worker RSS MiB",
              "Temporal server RSS MiB"));
      if (temporal instanceof Procs.PostgresServer) {
        headers.add("PostgreSQL RSS MiB, sum of its processes (PSS sum)");
        headers.add("Temporal DB MiB (pg_database_size, temporal + visibility)");
      } else {
        headers.add("Temporal DB MiB (db+wal+shm)");
      }
      headers.addAll(
          List.of(
              "history events per preview (sample)", "heap KiB per preview", "DB KiB per preview"));
      out.append(Support.table(headers, rows));
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
    List<String> row = new ArrayList<>();
    row.addAll(
        List.of(
            target == 0 ? "0 (worker idle)" : "" + target,
            "" + ready,
            target == 0 ? "—" : f(rate, 1),
            f(Procs.mib(heap), 1),
            f(Procs.mib(Procs.rssBytes(worker.pid())), 0),
            f(Procs.mib(temporal.serverRssBytes()), 0)));
    if (temporal instanceof Procs.PostgresServer pg) {
      row.add(
          f(Procs.mib(pg.postgresRssBytes()), 0)
              + " ("
              + f(Procs.mib(pg.postgresPssBytes()), 0)
              + ")");
    }
    row.addAll(
        List.of(
            f(Procs.mib(db), 1),
            events.isEmpty() ? "—" : String.join(", ", events),
            ready == 0 ? "—" : f((heap - base[0]) / 1024.0 / ready, 1),
            ready == 0 ? "—" : f((db - base[1]) / 1024.0 / ready, 1)));
    return row;
  }
}
