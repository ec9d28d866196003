package dev.forgepreview.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of bin/benchmarks: {@code Bench NAME smoke|full} runs one benchmark and writes its
 * Markdown section to {@code benchmarks/target/results/MODE/NAME.md}; {@code Bench report MODE FILE
 * SECONDS NOTE} assembles the sections into one document.
 */
public final class Bench {
  static final List<String> NAMES =
      List.of(
          "ingest",
          "orchestration",
          "burst",
          "scale",
          "scale-postgres",
          "clone",
          "soak",
          "compose",
          "admission",
          "snapshot");

  record Config(Path root, boolean smoke) {
    String mode() {
      return smoke ? "smoke" : "full";
    }

    Path results() {
      return root.resolve("benchmarks/target/results").resolve(mode());
    }

    Path runDir(String name) throws Exception {
      Path dir = root.resolve("benchmarks/target/run").resolve(mode()).resolve(name);
      Files.createDirectories(dir);
      return dir;
    }
  }

  /** The running benchmark's own calls that failed (see {@link Outcome}). */
  static final Outcome OUTCOME = new Outcome();

  private Bench() {}

  /** The first three fields of /proc/loadavg. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bench.root", "..")).toAbsolutePath().normalize();
    int status = 0;
    boolean crashed = false;
    try {
      if (args.length >= 1 && args[0].equals("report")) {
        Report.write(
            new Config(root, args[1].equals("smoke")),
            root.resolve(args[2]),
            Long.parseLong(args[3]),
            args.length > 4 ? args[4] : "");
      } else if (args.length == 2 && NAMES.contains(args[0])) {
        Config config = new Config(root, args[1].equals("smoke"));
        Instant start = Instant.now();
        String loadBefore = loadAverage();
        String section =
            switch (args[0]) {
              case "ingest" -> IngestBench.run(config);
              case "orchestration" -> OrchestrationBench.run(config);
              case "burst" -> BurstBench.run(config);
              case "scale" -> ScaleBench.run(config);
              case "scale-postgres" -> ScaleBench.runOnPostgres(config);
              case "soak" -> SoakBench.run(config);
              case "compose" -> ComposeBench.run(config);
              case "admission" -> AdmissionBench.run(config);
              case "clone" ->
                  dev.forgepreview.activities.ssh.CloneBench.run(
                      config.root(), config.smoke(), config.runDir("clone"));
              case "snapshot" ->
                  dev.forgepreview.activities.ssh.SnapshotCloneBench.run(
                      config.root(), config.smoke(), config.runDir("snapshot"));
              default -> throw new IllegalArgumentException(args[0]);
            };
        Duration took = Duration.between(start, Instant.now());
        Files.createDirectories(config.results());
        Files.writeString(
            config.results().resolve(args[0] + ".md"),
            section
                + String.format(
                    Locale.ROOT,
                    "\nThis benchmark took %d s of wall time; load average (1, 5, 15 min) %s at its"
                        + " start, %s at its end (2 cores shared with other work).\n",
                    took.toSeconds(),
                    loadBefore,
                    loadAverage()));
        Support.log("%s (%s) done in %d s", args[0], config.mode(), took.toSeconds());
        for (String failure : OUTCOME.failures()) {
          System.err.println("own calls failed: " + failure);
        }
        status = OUTCOME.exitStatus(false);
      } else {
        System.err.println("usage: Bench {" + String.join("|", NAMES) + "} smoke|full");
        status = 64;
      }
    } catch (Throwable e) {
      e.printStackTrace();
      crashed = true;
    }
    if (crashed) {
      status = OUTCOME.exitStatus(true);
    }
    System.exit(status);
  }
}
