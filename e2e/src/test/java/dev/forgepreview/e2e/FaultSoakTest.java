package dev.forgepreview.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault soak ({@link FaultSoak}) on the shared system: 6 previews by default, {@code
 * -Dsoak.previews=N} for more (bin/benchmarks --only soak runs 20), {@code -Dsoak.seed=S} to replay
 * a run's faults. Its figures go to the log and to {@code target/soak-report.md} (or {@code
 * -Dsoak.report=FILE}).
 */
@ExtendWith(E2eExtension.class)
class FaultSoakTest {
  private static final Logger log = LoggerFactory.getLogger(FaultSoakTest.class);

  @Test
  void previewsSurviveServerErrorsRateLimitsKilledWorkersAndARestartedServer(E2eSystem system)
      throws Exception {
    FaultSoak.Config config = FaultSoak.Config.fromSystemProperties();
    log.info(
        "fault soak: {} previews, seed {} (-Dsoak.seed to replay)",
        config.previews(),
        config.seed());

    FaultSoak.Figures figures = new FaultSoak(system, config).run();

    String report = figures.markdown();
    log.info("fault soak figures:\n{}", report);
    String file = System.getProperty("soak.report", "");
    Path path = file.isBlank() ? system.target.resolve("soak-report.md") : Path.of(file);
    Files.createDirectories(path.toAbsolutePath().getParent());
    Files.writeString(path, report);
  }
}
