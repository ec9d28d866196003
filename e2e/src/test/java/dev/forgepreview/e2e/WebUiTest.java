package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowExecution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Temporal Web UI (served by {@code temporal server start-dev} on its port + 1000) rendered by
 * headless Chromium, as an operator reads it: a ready preview's phase, URL and expiry; a failed
 * one's phase, failed step and the end of its deployment log. Screenshots and the page text go to
 * e2e/target/ui/.
 */
@ExtendWith(E2eExtension.class)
class WebUiTest {
  private static final String REPO = "acme/shop";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void readyPreviewShowsPhaseUrlExpiryAndSteps(E2eSystem system) throws Exception {
    requireChromium();
    int number = 701;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");

    render(
        system,
        id,
        "user-metadata",
        "preview-" + number + "-ready",
        List.of(
            id,
            "READY",
            "URL: https://pr-" + number + "-shop.preview.localhost",
            "Expires: 20",
            "create-server: SUCCEEDED"));
    // The event history: the TTL timer is named, not a bare id.
    render(
        system, id, "history", "preview-" + number + "-ready-history", List.of("TTL: expires 20"));
  }

  @Test
  void failedPreviewShowsPhaseFailedStepAndTheEndOfItsLog(E2eSystem system) throws Exception {
    requireChromium();
    int number = 702;
    String id = E2eSystem.workflowId(REPO, number);
    String sha = E2eSystem.randomSha();
    system.simulatorFaults("{\"failNextDeploys\": 1}");
    assertThat(system.sendPullRequest(REPO, "opened", number, sha)).isBetween(200, 299);
    system.awaitPhase(id, "FAILED");

    render(
        system,
        id,
        "user-metadata",
        "preview-" + number + "-failed",
        List.of(
            "FAILED",
            "Failed at wait-deployment",
            "Deployment script exited with status 1",
            "Rolled back: delete-database-user, delete-database, delete-site, delete-server"));
    // The event history: each rollback activity names what it deletes, with its Forge id.
    render(
        system,
        id,
        "history",
        "preview-" + number + "-failed-history",
        List.of("Delete site ", "(pr-" + number + "-shop.preview.localhost)"));
  }

  private static void requireChromium() {
    E2eSystem.require(
        Files.isExecutable(CHROMIUM),
        "headless Chromium (Debian package chromium; .ci/e2e.sh installs it) is missing");
  }

  /**
   * Opens a tab of the run's page, waits until its text holds every one of {@code expected}, writes
   * {@code name}.png, .html and .txt under target/ui/, and returns the page text.
   */
  private static String render(
      E2eSystem system, String id, String tab, String name, List<String> expected)
      throws Exception {
    WorkflowExecution run = system.latestRun(id);
    // "user-metadata" (summary, details, current details) or "history" (events with their
    // summaries); the id needs no escaping (design: ':' is safe in the UI's URLs).
    String url =
        "http://127.0.0.1:"
            + system.uiPort
            + "/namespaces/"
            + E2eSystem.NAMESPACE
            + "/workflows/"
            + id
            + "/"
            + run.getRunId()
            + "/"
            + tab;
    Path out = system.target.resolve("ui");
    Files.createDirectories(out);
    try (HeadlessChromium chromium =
        new HeadlessChromium(CHROMIUM, out, system.logs.resolve("chromium.log"))) {
      chromium.navigate(url);
      String[] text = {""};
      try {
        E2eSystem.await(
            "the Web UI page of " + id + " to show " + expected,
            () -> {
              try {
                text[0] = chromium.text();
                if (expected.stream().allMatch(text[0]::contains)) {
                  return true;
                }
                // UI 2.54 loads "Current Details" when asked: its keyboard shortcut is R.
                chromium.press("r");
                return false;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            () ->
                "missing "
                    + expected.stream().filter(e -> !text[0].contains(e)).toList()
                    + "; page text:\n"
                    + text[0]);
      } finally {
        Files.writeString(out.resolve(name + ".txt"), text[0], StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".html"), chromium.html(), StandardCharsets.UTF_8);
        chromium.screenshot(out.resolve(name + ".png"));
      }
      assertThat(out.resolve(name + ".png")).isNotEmptyFile();
      return text[0];
    }
  }
}
