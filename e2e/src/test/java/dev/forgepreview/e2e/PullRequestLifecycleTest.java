package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A pull request's life through the gateway: opened → READY, synchronize → redeployed. */
@ExtendWith(E2eExtension.class)
class PullRequestLifecycleTest {
  private static final String REPO = "acme/shop";

  @Test
  void openedPullRequestBecomesReadyAndIsReportedOnGitHub(E2eSystem system) throws Exception {
    int number = 101;
    String id = E2eSystem.workflowId(REPO, number);
    String sha = E2eSystem.randomSha();

    assertThat(system.sendPullRequest(REPO, "opened", number, sha)).isBetween(200, 299);

    JsonNode status = system.awaitPhase(id, "READY");
    assertThat(status.path("headSha").asText()).isEqualTo(sha);
    // The deployment script was pinned to the sha, and Forge (the simulator) reports that commit.
    assertThat(status.path("deployedSha").asText()).isEqualTo(sha);
    assertThat(status.path("deployments").asInt()).isEqualTo(1);
    String previewUrl = status.path("previewUrl").asText();
    assertThat(previewUrl).startsWith("http");

    // One comment with the hidden marker, showing READY with the preview's URL.
    String marker = "<!-- forge-preview:" + id + " -->";
    String path = "/repos/acme/shop/issues/" + number + "/comments";
    E2eSystem.await(
        "the PR comment to show the preview URL",
        () ->
            system.github.comments("acme", "shop", number).stream()
                .anyMatch(c -> c.path("body").asText().contains(previewUrl)));
    assertThat(system.github.calls("POST", path))
        .as("comments created on #%d (updates are PATCHes of the same comment)", number)
        .hasSize(1)
        .allSatisfy(c -> assertThat(c.body().path("body").asText()).startsWith(marker));
    assertThat(system.github.calls("POST", path).get(0).authorization()).contains("test-token");
    assertThat(system.github.comments("acme", "shop", number)).hasSize(1);

    // A deployment of the sha in preview/pr-N with a success status carrying the preview URL.
    JsonNode deployment = awaitDeployment(system, number, sha);
    E2eSystem.await(
        "a success status with environment_url on deployment " + deployment.path("id"),
        () ->
            system.github.statuses(deployment.path("id").asLong()).stream()
                .anyMatch(
                    s ->
                        s.path("state").asText().equals("success")
                            && s.path("environment_url").asText().equals(previewUrl)));
    assertThat(system.github.calls("POST", "/repos/acme/shop/deployments"))
        .anySatisfy(c -> assertThat(c.body().path("ref").asText()).isEqualTo(sha));

    // The simulator holds exactly one server, site and database for the preview.
    E2eSystem.Resources resources = system.resources(E2eSystem.serverName(number));
    assertThat(resources.servers()).isEqualTo(1);
    assertThat(resources.sites()).isEqualTo(1);
    assertThat(resources.databases()).isEqualTo(1);
  }

  @Test
  void synchronizeRedeploysTheNewCommit(E2eSystem system) throws Exception {
    int number = 102;
    String id = E2eSystem.workflowId(REPO, number);
    String first = E2eSystem.randomSha();
    assertThat(system.sendPullRequest(REPO, "opened", number, first)).isBetween(200, 299);
    assertThat(system.awaitPhase(id, "READY").path("deployedSha").asText()).isEqualTo(first);

    String second = E2eSystem.randomSha();
    assertThat(system.sendPullRequest(REPO, "synchronize", number, second)).isBetween(200, 299);

    JsonNode status =
        system.awaitPhase(
            id, "READY", s -> s.path("deployments").asInt() == 2, " with 2 deployments");
    assertThat(status.path("deployedSha").asText()).isEqualTo(second);
    assertThat(status.path("headSha").asText()).isEqualTo(second);

    // GitHub sees a deployment per commit, the new one successful; still a single comment.
    JsonNode deployment = awaitDeployment(system, number, second);
    E2eSystem.await(
        "a success status on the deployment of " + second,
        () ->
            system.github.statuses(deployment.path("id").asLong()).stream()
                .anyMatch(s -> s.path("state").asText().equals("success")));
    assertThat(system.github.deployments("preview/pr-" + number))
        .extracting(d -> d.path("sha").asText())
        .containsExactlyInAnyOrder(second, first);
    assertThat(system.github.comments("acme", "shop", number)).hasSize(1);
    assertThat(system.resources(E2eSystem.serverName(number)).servers()).isEqualTo(1);
  }

  static JsonNode awaitDeployment(E2eSystem system, int number, String sha) {
    return E2eSystem.await(
        "a GitHub deployment of " + sha + " in preview/pr-" + number,
        () -> {
          List<JsonNode> deployments = system.github.deployments("preview/pr-" + number);
          return deployments.stream()
              .filter(d -> d.path("sha").asText().equals(sha))
              .findFirst()
              .orElse(null);
        });
  }
}
