package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker's {@code preview-cleanup} schedule, driven with the temporal CLI. */
@ExtendWith(E2eExtension.class)
class CleanupScheduleTest {
  private static final String REPO = "acme/shop";

  @Test
  void triggeredCleanupDeletesOrphansAndKeepsLivePreviews(E2eSystem system) throws Exception {
    E2eSystem.CliResult describe =
        system.shell("temporal schedule describe --schedule-id preview-cleanup");
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output()).contains("PreviewCleanupWorkflow");

    int live = 301;
    String id = E2eSystem.workflowId(REPO, live);
    assertThat(system.sendPullRequest(REPO, "opened", live, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    // A server named like acme/shop's dedicated previews (pr-{number}-{project}), no workflow.
    String orphan = "pr-999-shop";
    system.seedServer(orphan);
    assertThat(system.resources(orphan).servers()).isEqualTo(1);
    Thread.sleep(1500); // CLEANUP_ORPHAN_GRACE is PT1S: let the orphan age past it

    E2eSystem.CliResult trigger =
        system.shell("temporal schedule trigger --schedule-id preview-cleanup");
    assertThat(trigger.exitCode()).as(trigger.output()).isZero();

    E2eSystem.await(
        "the cleanup to delete the orphan server " + orphan,
        () -> system.resources(orphan).none(),
        () -> "inventory: " + system.inventory().toPrettyString());
    assertThat(system.resources(E2eSystem.serverName(live)).servers())
        .as("the live preview's server")
        .isEqualTo(1);
    assertThat(system.status(id))
        .hasValueSatisfying(s -> assertThat(s.path("phase").asText()).isEqualTo("READY"));
  }
}
