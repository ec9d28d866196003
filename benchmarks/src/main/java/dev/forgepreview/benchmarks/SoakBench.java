package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * 6. The fault soak at 20 previews (6 in smoke mode). The soak is the e2e suite's {@code
 * FaultSoakTest} (its driver, {@code FaultSoak}, lives beside it), run alone through Maven with a
 * size: one driver, asserted the same way in {@code .ci/run} and here.
 */
final class SoakBench {
  private SoakBench() {}

  static String run(Bench.Config config) throws Exception {
    int previews = config.smoke() ? 6 : 20;
    Path figures = config.runDir("soak").resolve("soak-report.md");
    Files.deleteIfExists(figures);
    String seed = System.getenv().getOrDefault("FORGE_PREVIEW_SOAK_SEED", "");
    List<String> command =
        List.of(
            config.root().resolve("mvnw").toString(),
            "-B",
            "-Pe2e",
            "-pl",
            "e2e",
            "verify",
            "-Dtest=FaultSoakTest",
            "-Dsoak.previews=" + previews,
            "-Dsoak.seed=" + seed,
            "-Dsoak.report=" + figures);
    log("soak: %d previews through %s", previews, String.join(" ", command));
    Process maven =
        new ProcessBuilder(command).directory(config.root().toFile()).inheritIO().start();
    int exit = maven.waitFor();
    if (exit != 0 || !Files.exists(figures)) {
      throw new IllegalStateException(
          "the soak failed (Maven exit "
              + exit
              + "); see e2e/target/surefire-reports/ and e2e/target/logs/");
    }
    return Files.readString(figures);
  }
}
