package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compose backend end to end: signed webhooks through the gateway, the worker on {@code
 * temporal server start-dev}, and a real host ({@link ComposeHost}: sshd, dockerd with
 * docker-compose, nginx) that builds and serves the fixture app of {@code acme/app}. Every check
 * looks at the host itself: {@code curl} through nginx, {@code docker ps}, the files.
 */
@ExtendWith(E2eExtension.class)
class ComposeE2eTest {
  private static final String REPO = ComposeHost.REPOSITORY;

  private static ComposeHost host(E2eSystem system) {
    E2eSystem.require(system.composeHost != null, String.valueOf(system.composeHostMissing));
    return system.composeHost;
  }

  @Test
  void openedBecomesReadyBehindNginxThenSynchronizeServesTheNewCommitAndClosedLeavesNothing(
      E2eSystem system) throws Exception {
    ComposeHost host = host(system);
    int number = 1401;
    String id = E2eSystem.workflowId(REPO, number);
    java.util.List<String> imagesBefore = host.allImages();

    assertThat(system.sendPullRequest(REPO, "opened", number, host.first)).isBetween(200, 299);
    JsonNode status = system.awaitPhase(id, "READY");
    assertThat(status.path("deployedSha").asText()).isEqualTo(host.first);
    String url = status.path("previewUrl").asText();
    assertThat(url).startsWith("http://pr-1401-").endsWith(":" + host.nginxPort + "/");
    String project = status.path("compose").path("project").asText();
    assertThat(status.path("compose").path("composeSource").asText()).isEqualTo("repository");
    // granted by the host's coordinator from portBase onwards, not portBase + number % count
    assertThat(status.path("compose").path("port").asInt())
        .isBetween(host.portBase, host.portBase + ComposeHost.PORT_COUNT - 1);

    // curl through nginx: the app built from exactly the pinned commit
    assertThat(ComposeHost.curl(url + "commit").strip()).isEqualTo(host.first);
    assertThat(ComposeHost.curl(url)).isEqualTo("version one\n");
    assertThat(host.containers(project)).hasSize(1);
    assertThat(host.nginxFile(project)).exists();
    E2eSystem.await(
        "the PR comment to show the preview URL",
        () ->
            system.github.comments("acme", "app", number).stream()
                .anyMatch(c -> c.path("body").asText().contains(url)));

    // synchronize: the second commit is built and answers through the same address
    assertThat(system.sendPullRequest(REPO, "synchronize", number, host.second))
        .isBetween(200, 299);
    status =
        system.awaitPhase(
            id, "READY", s -> s.path("deployments").asInt() == 2, " with 2 deployments");
    assertThat(status.path("deployedSha").asText()).isEqualTo(host.second);
    assertThat(ComposeHost.curl(url + "commit").strip()).isEqualTo(host.second);
    assertThat(ComposeHost.curl(url)).isEqualTo("version two\n");
    assertThat(host.containers(project)).hasSize(1);

    // closed: nothing of the pull request is left on the host
    assertThat(system.sendPullRequest(REPO, "closed", number, host.second)).isBetween(200, 299);
    system.awaitPhase(id, "DESTROYED");
    assertNothingLeft(host, project, status.path("compose").path("port").asInt());
    assertThat(ComposeHost.curlStatus(url + "commit")).isEqualTo("404");
    assertThat(host.allImages())
        .as("images on the host: not the first build's either (replaced by the update)")
        .containsExactlyInAnyOrderElementsOf(imagesBefore);
  }

  @Test
  void aFailedBuildIsRolledBackLeavingNoContainerNoNginxFileAndNoWorkDirectory(E2eSystem system)
      throws Exception {
    ComposeHost host = host(system);
    int number = 1402;
    String id = E2eSystem.workflowId(REPO, number);

    assertThat(system.sendPullRequest(REPO, "opened", number, host.broken)).isBetween(200, 299);
    JsonNode status = system.awaitPhase(id, "FAILED");
    assertThat(status.path("failedStep").asText()).startsWith("compose-up");
    assertThat(status.toString()).contains("exit 42");
    assertThat(status.path("rolledBack").toString())
        .contains("delete-compose-project")
        .contains("delete-work-directory");
    String project = status.path("compose").path("project").asText();
    assertThat(project).startsWith("fp-");
    assertNothingLeft(host, project, status.path("compose").path("port").asInt());
  }

  @Test
  void workerKilledMidBuildRecoversToReadyWithoutASecondBuild(E2eSystem system) throws Exception {
    ComposeHost host = host(system);
    int number = 1403;
    String id = E2eSystem.workflowId(REPO, number);
    long started = System.currentTimeMillis() / 1000 - 1;

    assertThat(system.sendPullRequest(REPO, "opened", number, host.slow)).isBetween(200, 299);
    JsonNode building =
        E2eSystem.await(
            "the build of #" + number + " to reach its slow step",
            () ->
                system
                    .status(id)
                    .filter(s -> s.path("compose").path("project").isTextual())
                    .filter(s -> buildLog(host, s).contains(ComposeHost.SLOW_STEP))
                    .orElse(null));
    assertThat(building.path("phase").asText()).isEqualTo("DEPLOYING");
    system.killWorker();
    system.startWorker();

    JsonNode status = system.awaitPhase(id, "READY");
    String project = status.path("compose").path("project").asText();
    assertThat(status.path("deployedSha").asText()).isEqualTo(host.slow);
    assertThat(ComposeHost.curl(status.path("previewUrl").asText() + "commit").strip())
        .isEqualTo(host.slow);
    // The retry after the crash waited for the first build under the preview's lock and found
    // it done: the slow step ran once (one build container), and one app container runs.
    String log = Files.readString(host.workDirectory(project).resolve("build.log"));
    assertThat(log.split("=== forge-preview: build and start at", -1))
        .as("attempts in build.log:\n%s", log)
        .hasSize(3);
    assertThat(host.buildContainersStartedSince(started))
        .as(
            "build steps run (RUN %s is the fixture's only one); build.log:\n%s",
            ComposeHost.SLOW_STEP, log)
        .isEqualTo(1);
    assertThat(host.containers(project)).hasSize(1);
    assertThat(host.images(project)).hasSize(1);

    assertThat(system.sendPullRequest(REPO, "closed", number, host.slow)).isBetween(200, 299);
    system.awaitPhase(id, "DESTROYED");
    assertNothingLeft(host, project, status.path("compose").path("port").asInt());
  }

  @Test
  void aProtectedRepositorysPreviewAnswers401WithoutCredentialsAndTheAppWithThem(E2eSystem system)
      throws Exception {
    ComposeHost host = host(system);
    String repo = ComposeHost.LOCKED_REPOSITORY;
    int number = 1404;
    String id = E2eSystem.workflowId(repo, number);

    assertThat(system.sendPullRequest(repo, "opened", number, host.first)).isBetween(200, 299);
    JsonNode status = system.awaitPhase(id, "READY");
    String url = status.path("previewUrl").asText();
    String project = status.path("compose").path("project").asText();
    int port = status.path("compose").path("port").asInt();
    assertThat(status.path("access").asText()).isEqualTo("basic auth, user reviewer");
    assertThat(port).isBetween(host.portBase, host.portBase + ComposeHost.PORT_COUNT - 1);

    // through nginx: refused without the credentials or with wrong ones, the app with them
    assertThat(host.curlStatusOnceServed(url + "commit")).isEqualTo("401");
    assertThat(ComposeHost.curl(url + "commit", "reviewer:wrong")).doesNotContain(host.first);
    assertThat(ComposeHost.curl(url + "commit", "reviewer:" + ComposeHost.LOCKED_PASSWORD).strip())
        .isEqualTo(host.first);
    assertThat(Files.readString(host.htpasswdFile(project)))
        .startsWith("reviewer:$apr1$")
        .doesNotContain(ComposeHost.LOCKED_PASSWORD);
    // the comment says the preview is protected, and never shows the password
    E2eSystem.await(
        "the PR comment to say the preview is protected",
        () ->
            system.github.comments("acme", "locked", number).stream()
                .anyMatch(c -> c.path("body").asText().contains("basic auth, user reviewer")));
    assertThat(system.github.comments("acme", "locked", number))
        .noneMatch(c -> c.path("body").asText().contains(ComposeHost.LOCKED_PASSWORD));
    assertThat(system.status(id).orElseThrow().toString())
        .doesNotContain(ComposeHost.LOCKED_PASSWORD);

    assertThat(system.sendPullRequest(repo, "closed", number, host.first)).isBetween(200, 299);
    system.awaitPhase(id, "DESTROYED");
    assertNothingLeft(host, project, port);
    assertThat(ComposeHost.curlStatus(url + "commit")).isEqualTo("404");
  }

  private static String buildLog(ComposeHost host, JsonNode status) {
    Path log =
        host.workDirectory(status.path("compose").path("project").asText()).resolve("build.log");
    try {
      return Files.isRegularFile(log) ? Files.readString(log) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertNothingLeft(ComposeHost host, String project, int port) {
    assertThat(host.containers(project)).as("containers of %s", project).isEmpty();
    assertThat(host.images(project)).as("images of %s", project).isEmpty();
    assertThat(host.nginxFile(project)).doesNotExist();
    assertThat(host.workDirectory(project)).doesNotExist();
    assertThat(Path.of(host.workDirectory(project) + ".lock")).doesNotExist();
    assertThat(host.portClaim(port)).doesNotExist();
    assertThat(host.htpasswdFile(project)).doesNotExist();
  }
}
