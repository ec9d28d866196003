package dev.forgepreview.benchmarks;

import static dev.forgepreview.benchmarks.Support.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * 7. The compose backend: {@code opened} → READY of the fixture app on a real compose host (sshd,
 * dockerd with docker-compose, nginx on this machine). The driver is the e2e module's {@code
 * ComposeTiming} (the same system and host as {@code ComposeE2eTest}), run through Maven.
 */
final class ComposeBench {
  private ComposeBench() {}

  static String run(Bench.Config config) throws Exception {
    int runs = config.smoke() ? 1 : 5;
    Path figures = config.runDir("compose").resolve("compose-report.md");
    Files.deleteIfExists(figures);
    List<String> command =
        List.of(
            config.root().resolve("mvnw").toString(),
            "-B",
            "-Pe2e",
            "-pl",
            "e2e",
            "verify",
            "-Dtest=ComposeTiming",
            "-De2e.requireAll=true",
            "-Dcompose.runs=" + runs,
            "-Dcompose.report=" + figures);
    log("compose: %d previews through %s", runs, String.join(" ", command));
    Process maven =
        new ProcessBuilder(command).directory(config.root().toFile()).inheritIO().start();
    int exit = maven.waitFor();
    if (exit != 0 || !Files.exists(figures)) {
      throw new IllegalStateException(
          "the compose benchmark failed (Maven exit "
              + exit
              + "); see e2e/target/surefire-reports/ and e2e/target/logs/");
    }
    return Files.readString(figures) + "\nDocker engine " + dockerVersion() + ".\n";
  }

  private static String dockerVersion() {
    try {
      Process p =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "docker version --format '{{.Server.Version}}'; docker-compose version --short")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes()).trim().replace("\n", ", docker-compose ");
      p.waitFor();
      return out;
    } catch (Exception e) {
      return "unknown";
    }
  }
}
