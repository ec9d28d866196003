package dev.forgepreview.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge-preview snapshot} against the real worker on the Java test server, which has no
 * schedules: {@code --now} runs {@code MasterSnapshotWorkflow} directly under the schedule's id.
 * The SSH activity is replaced here (it is tested against real SSH and MariaDB in activities/).
 */
class SnapshotCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPOSITORIES =
      """
      defaults:
        domain: preview.localhost
        server: {credentialId: 1}
      repositories:
        acme/shop:
          masterDatabase: {host: 127.0.0.1, sshUser: forge, database: shop}
          snapshot: {schedule: P1D, keep: 4, scrubScript: "UPDATE users SET email = '';"}
        acme/broken:
          masterDatabase: {host: 127.0.0.1, sshUser: forge, database: broken}
        acme/blog: {}
      """;

  @TempDir static Path dir;
  private static PreviewSystem system;
  private static final List<RefreshSnapshotRequestSeen> asked = new CopyOnWriteArrayList<>();

  record RefreshSnapshotRequestSeen(String snapshot, int keep, String scrubScript) {}

  @BeforeAll
  static void start() throws Exception {
    system = new PreviewSystem(dir, REPOSITORIES, new Snapshots());
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void nowRefreshesAndPrintsTheSnapshotThenShowReadsItBack() throws Exception {
    Cli.Result now = Cli.run(system.env, "snapshot", "--repo", "acme/shop", "--now");

    assertThat(now.exitCode()).as(now.err()).isZero();
    assertThat(now.err()).contains("no schedule master-snapshot:acme:shop");
    assertThat(now.out())
        .containsPattern("state +REFRESHED")
        .containsPattern("snapshot +fps_\\d{8}_\\d{6}_shop")
        .containsPattern("size +4096 bytes")
        .containsPattern("dropped +fps_20200101_000000_shop");
    assertThat(asked).anyMatch(r -> r.keep() == 4 && r.scrubScript().startsWith("UPDATE users"));

    Cli.Result show = Cli.run(system.env, "snapshot", "--repo", "acme/shop", "--output", "json");
    assertThat(show.exitCode()).as(show.err()).isZero();
    JsonNode shown = JSON.readTree(show.out());
    assertThat(shown.path("schedule").asText()).isEqualTo("master-snapshot:acme:shop");
    assertThat(shown.path("when").asText()).isEqualTo("P1D");
    assertThat(shown.path("keep").asInt()).isEqualTo(4);
    assertThat(shown.path("newest").path("state").asText()).isEqualTo("REFRESHED");
    assertThat(shown.path("newest").path("snapshot").path("sizeBytes").asLong()).isEqualTo(4096);
  }

  @Test
  void aFailedRefreshExitsOneAndSaysThePreviousSnapshotStays() {
    Cli.Result now = Cli.run(system.env, "snapshot", "--repo", "acme/broken", "--now");

    assertThat(now.exitCode()).as(now.err()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(now.out())
        .contains("failed")
        .contains("Table 'broken.users' doesn't exist")
        .contains("previous snapshot");
  }

  @Test
  void aRepositoryWithoutMasterDatabaseHasNoSnapshot() {
    Cli.Result result = Cli.run(system.env, "snapshot", "--repo", "acme/blog", "--now");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(result.err()).contains("acme/blog has no masterDatabase");
  }

  /** Makes a snapshot of {@code shop}; the scrub of {@code broken} fails. */
  static final class Snapshots implements DatabaseCloneActivities {
    @Override
    public SnapshotResult refreshSnapshot(RefreshSnapshotRequest request) {
      asked.add(
          new RefreshSnapshotRequestSeen(
              request.snapshot(), request.keep(), request.scrubScript()));
      if (request.master().database().equals("broken")) {
        throw ApplicationFailure.newNonRetryableFailure(
            "ERROR 1146 (42S02) at line 1: Table 'broken.users' doesn't exist",
            FailureType.FAILED.name());
      }
      return new SnapshotResult(
          request.snapshot(),
          request.takenAt(),
          4096,
          List.of(request.snapshot()),
          List.of("fps_20200101_000000_shop"));
    }

    @Override
    public CloneResult cloneDatabase(CloneDatabaseRequest request) {
      throw new AssertionError("no preview is started here");
    }

    @Override
    public void flushRedis(FlushRedisRequest request) {
      throw new AssertionError("no preview is started here");
    }
  }
}
