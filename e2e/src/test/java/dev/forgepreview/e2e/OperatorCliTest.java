package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's operator commands, typed word for word into a shell with the real temporal CLI
 * (v1.5.1). tctl is not covered: it cannot be built here (its module is not available from the Go
 * module proxy).
 */
@ExtendWith(E2eExtension.class)
class OperatorCliTest {
  private static final String REPO = "acme/shop";

  @Test
  void destroySignalWithReasonTearsThePreviewDown(E2eSystem system) throws Exception {
    int number = 201;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    E2eSystem.CliResult query =
        system.shell("temporal workflow query --workflow-id " + id + " --type status");
    assertThat(query.exitCode()).as(query.output()).isZero();
    assertThat(query.output()).contains("READY").contains(id).contains("deployedSha");

    E2eSystem.CliResult signal =
        system.shell(
            "temporal workflow signal --workflow-id "
                + id
                + " --name destroy --input '{\"reason\":\"manual\"}'");
    assertThat(signal.exitCode()).as(signal.output()).isZero();

    system.awaitPhase(id, "DESTROYED");
    String server = E2eSystem.serverName(number);
    E2eSystem.await(
        "the simulator to hold nothing of " + server,
        () -> system.resources(server).none(),
        () -> "still " + system.resources(server));

    E2eSystem.CliResult after =
        system.shell("temporal workflow query --workflow-id " + id + " --type status");
    assertThat(after.exitCode()).as(after.output()).isZero();
    assertThat(after.output()).contains("DESTROYED");
    // The PR's GitHub deployment is retired.
    JsonNode deployment = system.github.deployments("preview/pr-" + number).get(0);
    E2eSystem.await(
        "an inactive status on the deployment of #" + number,
        () ->
            system.github.statuses(deployment.path("id").asLong()).stream()
                .anyMatch(s -> s.path("state").asText().equals("inactive")));
  }

  @Test
  void destroySignalWithoutInputWorksToo(E2eSystem system) throws Exception {
    int number = 202;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    E2eSystem.CliResult signal =
        system.shell("temporal workflow signal --workflow-id " + id + " --name destroy");
    assertThat(signal.exitCode()).as(signal.output()).isZero();

    system.awaitPhase(id, "DESTROYED");
    String server = E2eSystem.serverName(number);
    E2eSystem.await(
        "the simulator to hold nothing of " + server,
        () -> system.resources(server).none(),
        () -> "still " + system.resources(server));
  }

  @Test
  void searchAttributesFindPreviewsByRepositoryAndPhase(E2eSystem system) throws Exception {
    int number = 203;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    // Visibility is eventually consistent: poll the operator's list command.
    E2eSystem.CliResult list =
        E2eSystem.await(
            "temporal workflow list to find " + id + " by its search attributes",
            () -> {
              try {
                E2eSystem.CliResult result =
                    system.shell(
                        "temporal workflow list --query \"PreviewRepository='acme/shop' AND"
                            + " PreviewPullRequest="
                            + number
                            + " AND PreviewPhase='READY'\"");
                return result.output().contains(id) ? result : null;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(list.exitCode()).isZero();
  }
}
