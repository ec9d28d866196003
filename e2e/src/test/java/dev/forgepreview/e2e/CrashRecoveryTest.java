package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Processes die mid-provisioning; the preview still comes up, with nothing created twice. */
@ExtendWith(E2eExtension.class)
class CrashRecoveryTest {
  private static final String REPO = "acme/shop";

  @Test
  void workerKilledWhileProvisioningIsReplacedAndThePreviewBecomesReady(E2eSystem system)
      throws Exception {
    int number = 501;
    String id = E2eSystem.workflowId(REPO, number);
    String server = E2eSystem.serverName(number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);

    E2eSystem.await(
        "the site of " + server + " to exist on the simulator",
        () -> system.resources(server).sites() > 0 ? true : null);
    assertThat(system.status(id))
        .hasValueSatisfying(s -> assertThat(s.path("phase").asText()).isEqualTo("PROVISIONING"));
    system.killWorker();
    system.startWorker();

    system.awaitPhase(id, "READY");
    E2eSystem.Resources resources = system.resources(server);
    assertThat(resources.servers()).as("servers of %s", server).isEqualTo(1);
    assertThat(resources.sites()).as("sites on %s", server).isEqualTo(1);
    assertThat(resources.databases()).as("databases on %s", server).isEqualTo(1);
    assertThat(resources.databaseUsers()).as("database users on %s", server).isEqualTo(1);
  }

  @Test
  void temporalServerRestartedWhileProvisioningLosesNothing(E2eSystem system) throws Exception {
    int number = 601;
    String id = E2eSystem.workflowId(REPO, number);
    String server = E2eSystem.serverName(number);
    assertThat(system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha()))
        .isBetween(200, 299);

    E2eSystem.await(
        "the server " + server + " to exist on the simulator",
        () -> system.resources(server).servers() > 0 ? true : null);
    system.stopTemporal();
    system.startTemporal();

    system.awaitPhase(id, "READY");
    E2eSystem.Resources resources = system.resources(server);
    assertThat(resources.servers()).as("servers of %s", server).isEqualTo(1);
    assertThat(resources.sites()).as("sites on %s", server).isEqualTo(1);
    assertThat(resources.databases()).as("databases on %s", server).isEqualTo(1);
    assertThat(resources.databaseUsers()).as("database users on %s", server).isEqualTo(1);
    assertThat(system.github.comments("acme", "shop", number)).hasSize(1);
  }
}
