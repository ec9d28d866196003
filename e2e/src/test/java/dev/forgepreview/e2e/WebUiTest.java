package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowExecution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Temporal Web UI (served by {@code temporal server start-dev} on its port + 1000) rendered by
 * headless Chromium: an operator opening a preview's run sees its id and its provisioning steps.
 */
@ExtendWith(E2eExtension.class)
class WebUiTest {
  private static final String REPO = "acme/shop";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void runPageShowsThePreviewAndItsSteps(E2eSystem system) throws Exception {
    E2eSystem.require(
        Files.isExecutable(CHROMIUM),
        "headless Chromium (Debian package chromium; .ci/e2e.sh installs it) is missing");
    int number = 701;
    String id = E2eSystem.workflowId(REPO, number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(id, "READY");
    WorkflowExecution run = system.latestRun(id);

    // The run's "User Metadata" tab (UI 2.42: summary, details, current details); the id needs no
    // escaping (design: ':' is safe in the UI's URLs).
    String url =
        "http://127.0.0.1:"
            + system.uiPort
            + "/namespaces/"
            + E2eSystem.NAMESPACE
            + "/workflows/"
            + id
            + "/"
            + run.getRunId()
            + "/user-metadata";
    Path out = system.target.resolve("ui");
    Files.createDirectories(out);

    try (HeadlessChromium chromium =
        new HeadlessChromium(CHROMIUM, out, system.logs.resolve("chromium.log"))) {
      chromium.navigate(url);
      String[] text = {""};
      E2eSystem.await(
          "the Web UI page of " + id + " to show its id and the preview's steps",
          () -> {
            try {
              text[0] = chromium.text();
              // What UI 2.42 renders for this run: its id, and the activity summaries of the
              // "Events with Metadata" list. Its "Current Details" section stays empty and the
              // static summary is not in the page's text under headless Chromium (see the report).
              return text[0].contains(id)
                  && text[0].contains("Events with Metadata")
                  && text[0].contains("Create server pr-" + number + "-shop");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          () -> "page text:\n" + text[0]);
      Files.writeString(
          out.resolve("preview-" + number + ".html"), chromium.html(), StandardCharsets.UTF_8);
      Path screenshot = out.resolve("preview-" + number + ".png");
      chromium.screenshot(screenshot);
      assertThat(screenshot).isNotEmptyFile();
    }
  }
}
