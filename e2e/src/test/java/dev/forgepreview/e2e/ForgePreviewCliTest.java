package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;
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
    int number = 311;
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
        .containsPattern("REPOSITORY +PR +PHASE +QUEUE +URL +AGE +EXPIRES")
        .containsPattern(
            "acme/shop +#"
                + number
                + " +READY +- +https://pr-"
                + number
                + "-shop.preview.localhost");

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
    // acme/shop's notifications: READY, then DESTROYED, each POSTed to the recording fake.
    List<JsonNode> notified =
        E2eSystem.await(
            "the READY and DESTROYED notifications of #" + number,
            () -> {
              List<JsonNode> bodies =
                  system.github.calls("POST", GitHubFake.NOTIFICATIONS).stream()
                      .map(GitHubFake.Call::body)
                      .filter(b -> b.path("pullRequest").asInt() == number)
                      .toList();
              return bodies.size() >= 2 ? bodies : null;
            });
    assertThat(notified)
        .extracting(b -> b.path("event").asText())
        .containsExactly("ready", "destroyed");
    JsonNode ready = notified.get(0);
    assertThat(ready.path("repository").asText()).isEqualTo(REPO);
    assertThat(ready.path("previewId").asText()).isEqualTo(id);
    assertThat(ready.path("phase").asText()).isEqualTo("READY");
    assertThat(ready.path("url").asText())
        .isEqualTo("https://pr-" + number + "-shop.preview.localhost");
    assertThat(ready.path("sha").asText()).hasSize(40);
    assertThat(ready.path("text").asText())
        .startsWith("Preview of acme/shop#" + number + " is ready");

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

  /**
   * A run that carries {@code PreviewQueuePosition} (what a preview waiting for admission sets) is
   * listed with its place in the queue. Started here with its search attributes on a task queue no
   * worker polls, so it stays exactly as written; the listing says its status went unanswered.
   */
  @Test
  void listShowsTheQueuePositionOfAQueuedPreview(E2eSystem system) throws Exception {
    int number = 302;
    String id = E2eSystem.workflowId(REPO, number);
    WorkflowStub queued =
        system
            .client()
            .newUntypedWorkflowStub(
                "PreviewEnvironmentWorkflow",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue("e2e-no-worker-polls-this")
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(SearchAttributeKey.forKeyword("PreviewRepository"), REPO)
                            .set(SearchAttributeKey.forLong("PreviewPullRequest"), (long) number)
                            .set(SearchAttributeKey.forKeyword("PreviewPhase"), "QUEUED")
                            .set(SearchAttributeKey.forLong("PreviewQueuePosition"), 2L)
                            .build())
                    .build());
    queued.start();
    try {
      E2eSystem.CliResult list =
          E2eSystem.await(
              "forge-preview list to show " + id + " queued",
              () -> {
                try {
                  E2eSystem.CliResult result = system.forgePreview("list", "--repo", REPO);
                  return result.exitCode() == 0 && result.output().contains("#" + number)
                      ? result
                      : null;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(list.output())
          .containsPattern("REPOSITORY +PR +PHASE +QUEUE +URL")
          .containsPattern("acme/shop +#" + number + " +QUEUED +2 +- ");
      // Polled too: on a loaded machine a listing may miss its deadline (exit 5) and is retried.
      E2eSystem.CliResult listed =
          E2eSystem.await(
              "forge-preview list --output json to show " + id,
              () -> {
                try {
                  E2eSystem.CliResult result = system.forgePreview("list", "--output", "json");
                  return result.exitCode() == 0 && result.output().contains(id) ? result : null;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String out = listed.output();
      JsonNode json = E2eSystem.JSON.readTree(out.substring(out.indexOf('[')));
      JsonNode row = null;
      for (JsonNode preview : json) {
        if (preview.path("workflowId").asText().equals(id)) {
          row = preview;
        }
      }
      assertThat(row).as("the JSON listing of %s", id).isNotNull();
      assertThat(row.path("queuePosition").asLong()).isEqualTo(2L);
    } finally {
      queued.terminate("e2e: the queued stand-in is done");
    }
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
        .containsPattern("OK +queue position +PreviewQueuePosition registered")
        .containsPattern("OK +cleanup schedule +preview-cleanup present")
        .containsPattern("OK +forge +token accepted")
        .containsPattern(
            "OK +notifications acme/shop +json to localhost on \\[READY, FAILED," + " DESTROYED\\]")
        .doesNotContain("e2e-secret-path");
  }
}
