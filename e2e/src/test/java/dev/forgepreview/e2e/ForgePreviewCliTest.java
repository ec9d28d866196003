package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator CLI ({@code bin/forge-preview}) against the real dev server: {@code list} from
 * visibility, {@code status}, {@code destroy}, and {@code doctor}'s Temporal and Forge checks.
 */
@ExtendWith(E2eExtension.class)
class ForgePreviewCliTest {
  private static final String REPO = "acme/shop";

  @Test
  void listStatusAndDestroyAPreview(E2eSystem system) throws Exception {
    int number = 301;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    // Visibility lags the workflow's own state by a moment: poll until list shows it READY.
    E2eSystem.CliResult list =
        E2eSystem.await(
            "forge-preview list to show " + id + " READY",
            () -> {
              try {
                E2eSystem.CliResult result =
                    system.forgePreview("list", "--repo", REPO, "--phase", "READY");
                return result.exitCode() == 0 && result.output().contains("#" + number)
                    ? result
                    : null;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(list.output())
        .containsPattern("REPOSITORY +PR +PHASE +URL +AGE +EXPIRES")
        .containsPattern(
            "acme/shop +#" + number + " +READY +https://pr-" + number + "-shop.preview.localhost");

    E2eSystem.CliResult json = system.forgePreview("list", "--output", "json");
    assertThat(json.exitCode()).as(json.output()).isZero();
    JsonNode listed = E2eSystem.JSON.readTree(json.output());
    assertThat(listed.findValuesAsText("workflowId")).contains(id);

    E2eSystem.CliResult status =
        system.forgePreview("status", Integer.toString(number), "--repo", REPO);
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).containsPattern("phase +READY").contains("wait-deployment");

    E2eSystem.CliResult destroy =
        system.forgePreview("destroy", Integer.toString(number), "--repo", REPO);
    assertThat(destroy.exitCode()).as(destroy.output()).isZero();
    system.awaitPhase(id, "DESTROYED");
    String server = E2eSystem.serverName(number);
    E2eSystem.await(
        "the simulator to hold nothing of " + server,
        () -> system.resources(server).none(),
        () -> "still " + system.resources(server));
    E2eSystem.await(
        "forge-preview list to drop " + id,
        () -> {
          try {
            return !system.forgePreview("list").output().contains("#" + number + " ");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void doctorFindsTemporalTheSearchAttributesTheScheduleAndForge(E2eSystem system)
      throws Exception {
    E2eSystem.CliResult doctor = system.forgePreview("doctor");
    assertThat(doctor.output())
        .containsPattern("OK +temporal +127\\.0\\.0\\.1:\\d+ reachable \\(server ")
        .containsPattern("OK +namespace")
        .containsPattern(
            "OK +search attributes +PreviewRepository, PreviewPullRequest, PreviewPhase")
        .containsPattern("OK +cleanup schedule +preview-cleanup present")
        .containsPattern("OK +forge +token accepted");
  }
}
