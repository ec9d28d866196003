package dev.forgepreview.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preview commands over real gRPC and HTTP: the real worker runs previews on the Forge
 * simulator, the Java test server stands in for Temporal, and the CLI reads the same environment.
 */
class PreviewCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static PreviewSystem system;

  @BeforeAll
  static void start() throws Exception {
    system = new PreviewSystem(dir);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void statusShowsPhaseUrlExpiryAndStepsAsTextAndJson() throws Exception {
    String id = system.open(61, "a".repeat(40));
    PreviewStatus ready = system.await(id, s -> s.phase() == Phase.READY);

    Cli.Result text = Cli.run(system.env, "status", "61");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("preview:acme:shop:61")
        .containsPattern("phase +READY")
        .containsPattern("url +https://pr-61-shop.preview.localhost")
        .containsPattern("expires +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC")
        .contains("create-server", "wait-deployment", "SUCCEEDED")
        .contains("site " + ready.resources().siteId());

    Cli.Result json = Cli.run(system.env, "status", "61", "--output", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode node = JSON.readTree(json.out());
    assertThat(node.path("phase").asText()).isEqualTo("READY");
    assertThat(node.path("expiresAt").asText()).isEqualTo(ready.expiresAt());
    assertThat(node.path("resources").path("siteId").asLong())
        .isEqualTo(ready.resources().siteId());
  }

  @Test
  void logsPrintsTheWholeDeploymentLogFromForge() throws Exception {
    String sha = "b".repeat(40);
    String id = system.open(62, sha);
    system.await(id, s -> s.phase() == Phase.READY);

    Cli.Result logs = Cli.run(system.env, "logs", "62");
    assertThat(logs.exitCode()).as(logs.err()).isZero();
    // The simulator's log of the deployment of the PR's branch, first line to last.
    assertThat(logs.out()).contains("feature/62").contains("Deployment finished");
  }

  @Test
  void extendMovesTheExpiry() throws Exception {
    String id = system.open(63, "c".repeat(40));
    PreviewStatus ready = system.await(id, s -> s.phase() == Phase.READY);
    Instant before = Instant.parse(ready.expiresAt());

    Cli.Result extend = Cli.run(system.env, "extend", "63", "P3D");
    assertThat(extend.exitCode()).as(extend.err()).isZero();
    PreviewStatus extended =
        system.await(
            id, s -> Instant.parse(s.expiresAt()).isAfter(before.plus(Duration.ofDays(1))));
    assertThat(Instant.parse(extended.expiresAt())).isAfter(before.plus(Duration.ofDays(1)));
  }

  @Test
  void destroyTearsThePreviewDownAndLeavesNothingOnForge() throws Exception {
    String id = system.open(64, "d".repeat(40));
    system.await(id, s -> s.phase() == Phase.READY);

    Cli.Result destroy = Cli.run(system.env, "destroy", "64", "--repo", "acme/shop");
    assertThat(destroy.exitCode()).as(destroy.err()).isZero();
    assertThat(destroy.out()).contains("destroy sent to " + id);
    system.await(id, s -> s.phase() == Phase.DESTROYED);
    assertThat(system.forge.inventory().servers()).noneMatch(s -> s.name().equals("pr-64-shop"));

    Cli.Result again = Cli.run(system.env, "destroy", "64");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(again.err()).contains("no such preview is running").doesNotContain("Exception");
  }

  @Test
  void redeployDeploysAgainEvenWhenTheCommitIsAlreadyLive() throws Exception {
    String sha = "e".repeat(40);
    String id = system.open(65, sha);
    system.await(id, s -> s.phase() == Phase.READY && s.deployments() == 1);

    Cli.Result redeploy = Cli.run(system.env, "redeploy", "65");
    assertThat(redeploy.exitCode()).as(redeploy.err()).isZero();
    assertThat(redeploy.out()).contains("redeploy sent to " + id);

    PreviewStatus again = system.await(id, s -> s.phase() == Phase.READY && s.deployments() == 2);
    assertThat(again.deployedSha()).isEqualTo(sha);
    // This worker has no GitHub credentials, so the newest commit cannot be asked for.
    assertThat(again.warnings())
        .anyMatch(w -> w.startsWith("forced redeploy of the deployed commit, not the newest"));
  }

  @Test
  void unknownPreviewIsExitFourWithOneLine() {
    Cli.Result status = Cli.run(system.env, "status", "999");
    assertThat(status.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(status.err().lines()).hasSize(1);
    assertThat(status.out()).isEmpty();
  }

  @Test
  void listAndCleanupOnAServerWithoutVisibilitySayWhyInOneLine() {
    // The Java test server has no visibility: both commands say so plainly, no stack trace.
    Cli.Result list = Cli.run(system.env, "list");
    assertThat(list.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(list.err()).contains("cannot list the previews").doesNotContain("\tat ");

    Cli.Result cleanup = Cli.run(system.env, "cleanup", "--dry-run", "--timeout", "PT30S");
    assertThat(cleanup.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(cleanup.err()).contains("cannot run the cleanup").doesNotContain("\tat ");
  }

  @Test
  void badInputIsAUsageErrorNamingTheProblem() {
    Cli.Result ttl = Cli.run(system.env, "extend", "63", "three days");
    assertThat(ttl.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(ttl.err()).contains("ISO-8601");

    Cli.Result repo = Cli.run(system.env, "status", "1", "--repo", "acme' OR 1=1");
    assertThat(repo.exitCode()).isEqualTo(ExitCodes.USAGE);

    Map<String, String> noFile = new HashMap<>(system.env);
    noFile.remove("FORGE_PREVIEW_REPOSITORIES_FILE");
    Cli.Result config = Cli.run(noFile, "status", "1");
    assertThat(config.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(config.err()).contains("FORGE_PREVIEW_REPOSITORIES_FILE");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command :
        new String[] {
          "setup", "list", "status", "logs", "destroy", "extend", "redeploy", "cleanup", "doctor"
        }) {
      Cli.Result help = Cli.run(Map.of(), command, "--help");
      assertThat(help.exitCode()).as(command).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: forge-preview " + command);
    }
  }
}
