package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's operator commands, typed word for word into a shell with the real temporal CLI (the
 * pinned 1.9.1) and tctl (v1.18.4 built from source by .ci/e2e.sh; TCTL names it).
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

  /**
   * The README's four tctl lines, read from the README itself; only the address and the workflow id
   * are this run's.
   */
  private static List<String> tctlCommands(E2eSystem system, String id) throws Exception {
    List<String> commands =
        system.readmeCommands("tctl").stream()
            .filter(c -> c.contains("preview:acme:shop:42"))
            .toList();
    assertThat(commands)
        .as("the README's tctl commands")
        .hasSize(4)
        .allMatch(c -> c.contains("127.0.0.1:7233") && c.contains("preview:acme:shop:42"));
    return commands.stream()
        .map(
            c ->
                c.replace("127.0.0.1:7233", system.temporalAddress())
                    .replace("preview:acme:shop:42", id))
        .toList();
  }

  @Test
  void tctlCommandsFromTheReadmeQueryAndDestroy(E2eSystem system) throws Exception {
    E2eSystem.require(
        E2eSystem.tctl().isPresent(),
        "TCTL is not set (.ci/e2e.sh builds tctl v1.18.4 and sets it)");
    int withInput = 211;
    int withoutInput = 212;
    String first = E2eSystem.workflowId(REPO, withInput);
    String second = E2eSystem.workflowId(REPO, withoutInput);
    assertThat(system.sendPullRequest(REPO, "opened", withInput, E2eSystem.randomSha()))
        .isBetween(200, 299);
    assertThat(system.sendPullRequest(REPO, "opened", withoutInput, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(first, "READY");
    system.awaitPhase(second, "READY");

    List<String> forFirst = tctlCommands(system, first);
    String signalWithInput = forFirst.get(0);
    String query = forFirst.get(3);
    assertThat(signalWithInput).contains("--input '{\"reason\":\"manual\"}'");
    assertThat(query).contains("workflow query").contains("--query_type status");

    E2eSystem.CliResult queried = system.shell(query);
    assertThat(queried.exitCode()).as(queried.output()).isZero();
    assertThat(queried.output()).contains("\"phase\":\"READY\"").contains(first);

    E2eSystem.CliResult signalled = system.shell(signalWithInput);
    assertThat(signalled.exitCode()).as(signalled.output()).isZero();
    // A signal whose input failed to deserialise would be dropped: reaching DESTROYED proves it.
    system.awaitPhase(first, "DESTROYED");

    // The forced redeploy: the commit that is live is deployed a second time.
    String forced = tctlCommands(system, second).get(2);
    assertThat(forced).contains("--name update --input '{\"force\":true}'");
    E2eSystem.CliResult redeployed = system.shell(forced);
    assertThat(redeployed.exitCode()).as(redeployed.output()).isZero();
    system.awaitPhase(
        second, "READY", s -> s.path("deployments").asInt() == 2, " after a second deployment");

    String signalWithoutInput = tctlCommands(system, second).get(1);
    assertThat(signalWithoutInput).doesNotContain("--input");
    E2eSystem.CliResult bare = system.shell(signalWithoutInput);
    assertThat(bare.exitCode()).as(bare.output()).isZero();
    system.awaitPhase(second, "DESTROYED");
    for (int number : new int[] {withInput, withoutInput}) {
      String server = E2eSystem.serverName(number);
      E2eSystem.await(
          "the simulator to hold nothing of " + server,
          () -> system.resources(server).none(),
          () -> "still " + system.resources(server));
    }
  }
}
