package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compose benchmark's driver ({@code bin/benchmarks --only compose}): previews of {@code
 * acme/app} one after the other, each from a signed {@code opened} to READY (the fixture app built
 * on the real host and answering through nginx with its commit), then {@code closed} to DESTROYED
 * with nothing left. Not part of the e2e suite (its name does not end in Test): run with {@code
 * -Dtest=ComposeTiming -Dcompose.runs=N -Dcompose.report=FILE}; it writes its figures to FILE.
 */
@ExtendWith(E2eExtension.class)
class ComposeTiming {

  @Test
  void openedToReady(E2eSystem system) throws Exception {
    E2eSystem.require(system.composeHost != null, String.valueOf(system.composeHostMissing));
    ComposeHost host = system.composeHost;
    int runs = Integer.getInteger("compose.runs", 3);
    assertThat(runs).as("runs (pull requests 1404 to 1408 have free ports)").isBetween(1, 5);
    Path report = Path.of(System.getProperty("compose.report", "target/compose-timing.md"));
    List<Double> ready = new ArrayList<>();
    List<Double> destroyed = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      // Alternate the commits, so that every build after the first has a cached base but a new
      // layer: the image of the earlier run is removed with its project.
      String sha = i % 2 == 0 ? host.first : host.second;
      int number = 1404 + i;
      String id = E2eSystem.workflowId(ComposeHost.REPOSITORY, number);
      Instant opened = Instant.now();
      assertThat(system.sendPullRequest(ComposeHost.REPOSITORY, "opened", number, sha))
          .isBetween(200, 299);
      JsonNode status = system.awaitPhase(id, "READY");
      ready.add(seconds(opened));
      assertThat(ComposeHost.curl(status.path("previewUrl").asText() + "commit").strip())
          .isEqualTo(sha);
      Instant closed = Instant.now();
      assertThat(system.sendPullRequest(ComposeHost.REPOSITORY, "closed", number, sha))
          .isBetween(200, 299);
      system.awaitPhase(id, "DESTROYED");
      destroyed.add(seconds(closed));
      String project = status.path("compose").path("project").asText();
      assertThat(host.containers(project)).isEmpty();
      assertThat(host.workDirectory(project)).doesNotExist();
    }
    String figures =
        "| measure | runs | min | median | max |\n|---|---|---|---|---|\n"
            + row("`opened` delivered → READY (curl through nginx answers the commit)", ready)
            + row("`closed` delivered → DESTROYED (nothing left on the host)", destroyed);
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, figures);
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }

  private static String row(String what, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.1f s | %.1f s | %.1f s |\n",
        what,
        n,
        sorted.get(0),
        median,
        sorted.get(n - 1));
  }
}
