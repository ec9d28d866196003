package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.PreviewSettings.AdmissionSettings;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * Compose ports from the host's admission coordinator ({@code admission:host:{host}}, pool {@code
 * port}) with real previews and the real coordinator on the test server (time skipping).
 */
class ComposePortPoolTest {
  private static final String HOST_COORDINATOR = "admission:host:preview-host.acme.internal";

  /** The compose test settings with three ports, 20000-20002, and a cap of 10. */
  static PreviewSettings threePorts() {
    PreviewSettings compose = TestSettings.compose();
    ComposeHost h = compose.compose();
    ComposeHost host =
        new ComposeHost(
            h.host(),
            h.sshPort(),
            h.sshUser(),
            h.root(),
            h.repositoryUrl(),
            h.composeCommand(),
            h.routing(),
            h.nginxCommand(),
            h.nginxConfigDirectory(),
            h.listenAddress(),
            h.listenPort(),
            20000,
            3,
            h.memoryLimit(),
            h.cpus(),
            h.tlsCertificate(),
            h.tlsCertificateKey(),
            h.healthPath(),
            h.build(),
            h.health());
    return TestSettings.withAdmission(
        TestSettings.with(compose, "compose", host), 10, new AdmissionSettings(1, 15, 3, "PT10M"));
  }

  @Test
  void
      previewsWhoseNumbersCollideModuloPortCountGetDifferentPortsAndAPortIsReusedOnlyAfterRelease() {
    try (MockedActivities activities = new MockedActivities(threePorts())) {
      // 1, 4 and 7 are all 1 modulo 3: the old allocation gave each port 20001.
      PreviewEnvironmentWorkflow shop1 = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, shop1, Phase.READY);
      PreviewEnvironmentWorkflow blog4 = start(activities, "blog", 4);
      awaitPhase(activities, blog4, Phase.READY);
      PreviewEnvironmentWorkflow shop7 = start(activities, "shop", 7);
      awaitPhase(activities, shop7, Phase.READY);
      PreviewEnvironmentWorkflow shop10 = start(activities, "shop", 10);
      awaitPhase(activities, shop10, Phase.QUEUED);

      assertThat(shop1.status().compose().port()).isEqualTo(20000);
      assertThat(blog4.status().compose().port()).isEqualTo(20001);
      assertThat(shop7.status().compose().port()).isEqualTo(20002);
      awaitCondition(activities, () -> shop10.status().queue() != null);
      assertThat(shop10.status().queue().reason())
          .isEqualTo("no free port on this host (20000-20002 all in use)");
      assertThat(shop10.status().queue().coordinatorId()).isEqualTo(HOST_COORDINATOR);
      // Each preview's host got the port its status names, for every step.
      ArgumentCaptor<CheckoutRequest> checkouts = ArgumentCaptor.forClass(CheckoutRequest.class);
      verify(activities.compose, atLeastOnce()).checkoutSource(checkouts.capture());
      assertThat(checkouts.getAllValues())
          .extracting(c -> c.target().project() + "@" + c.target().port())
          .containsExactlyInAnyOrder("fp-shop-pr1@20000", "fp-shop-pr4@20001", "fp-shop-pr7@20002");
      // Both repositories on the host ask one coordinator, which holds the host's ports.
      assertThat(
              AdmissionTest.coordinator(activities, HOST_COORDINATOR)
                  .admission()
                  .pools()
                  .get(Admission.PORT_POOL)
                  .taken())
          .containsOnly(
              Map.entry("preview:acme:shop:1", 20000),
              Map.entry("preview:acme:blog:4", 20001),
              Map.entry("preview:acme:shop:7", 20002));

      blog4.destroy(new DestroySignal("closed", "octocat"));
      awaitPhase(activities, shop10, Phase.READY);
      assertThat(shop10.status().compose().port()).isEqualTo(20001);
      assertThat(activities.result(PreviewIds.workflowId("acme", "blog", 4)).phase())
          .isEqualTo(Phase.DESTROYED);
      // The teardown removed what held 20001 before 20001 went to the next preview.
      InOrder order = inOrder(activities.compose);
      order.verify(activities.compose).composeDown(argThat(t -> is(t, "fp-shop-pr4", 20001)));
      order
          .verify(activities.compose)
          .removeWorkDirectory(argThat(t -> is(t, "fp-shop-pr4", 20001)));
      order
          .verify(activities.compose)
          .checkoutSource(argThat(c -> is(c.target(), "fp-shop-pr10", 20001)));
      assertThat(
              AdmissionTest.coordinator(activities, HOST_COORDINATOR)
                  .admission()
                  .pools()
                  .get(Admission.PORT_POOL)
                  .taken())
          .containsOnly(
              Map.entry("preview:acme:shop:1", 20000),
              Map.entry("preview:acme:shop:10", 20001),
              Map.entry("preview:acme:shop:7", 20002));
    }
  }

  @Test
  void aRolledBackPreviewGivesItsPortBackAndTheCompensationsUseTheGrantedPort() {
    try (MockedActivities activities = new MockedActivities(threePorts())) {
      org.mockito.Mockito.doThrow(
              io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                  "the build failed", FailureType.FAILED.name()))
          .when(activities.compose)
          .composeUp(argThat(r -> r.target().project().equals("fp-shop-pr2")));
      PreviewEnvironmentWorkflow shop1 = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, shop1, Phase.READY);
      start(activities, "shop", 2);
      assertThat(activities.result(PreviewIds.workflowId("acme", "shop", 2)).phase())
          .isEqualTo(Phase.FAILED);
      verify(activities.compose).composeDown(argThat(t -> is(t, "fp-shop-pr2", 20001)));
      verify(activities.compose).removeWorkDirectory(argThat(t -> is(t, "fp-shop-pr2", 20001)));
      awaitCondition(
          activities,
          () ->
              AdmissionTest.coordinator(activities, HOST_COORDINATOR)
                  .admission()
                  .pools()
                  .get(Admission.PORT_POOL)
                  .taken()
                  .equals(Map.of("preview:acme:shop:1", 20000)));
      PreviewEnvironmentWorkflow shop5 = start(activities, "shop", 5);
      awaitPhase(activities, shop5, Phase.READY);
      assertThat(shop5.status().compose().port()).isEqualTo(20001);
    }
  }

  /**
   * Records, for ReplayTest, a protected compose preview granted its port by the host's coordinator
   * (updated, then destroyed) and that coordinator's history.
   */
  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordComposeHostHistories() throws IOException {
    try (MockedActivities activities =
        new MockedActivities(TestSettings.withBasicAuth(threePorts(), "preview"))) {
      PreviewEnvironmentWorkflow shop1 = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, shop1, Phase.READY);
      PreviewEnvironmentWorkflow blog4 = start(activities, "blog", 4);
      awaitPhase(activities, blog4, Phase.READY);
      blog4.update(new UpdateSignal("sha-4b", "f", "d-4b", "github"));
      awaitCondition(activities, () -> "sha-4b".equals(blog4.status().deployedSha()));
      blog4.destroy(new DestroySignal("closed", "octocat"));
      activities.result(PreviewIds.workflowId("acme", "blog", 4));
      shop1.destroy(new DestroySignal("closed", "octocat"));
      activities.result(PreviewIds.workflowId("acme", "shop", 1));
      activities.env.sleep(Duration.ofMinutes(6));
      write(activities, HOST_COORDINATOR, ReplayTest.COMPOSE_HOST_COORDINATOR);
      write(activities, PreviewIds.workflowId("acme", "blog", 4), ReplayTest.COMPOSE_PROTECTED);
    }
  }

  private static void write(MockedActivities activities, String id, String name)
      throws IOException {
    WorkflowExecutionHistory history =
        activities.env.getWorkflowExecutionHistory(
            WorkflowExecution.newBuilder().setWorkflowId(id).build());
    Files.writeString(Path.of("src/test/resources").resolve(name), history.toJson(true));
  }

  private static boolean is(ComposeTarget target, String project, int port) {
    return target != null && target.project().equals(project) && target.port() == port;
  }

  private static PreviewEnvironmentWorkflow start(
      MockedActivities activities, String repo, int number) {
    PreviewEnvironmentWorkflow preview =
        activities.stub(PreviewIds.workflowId("acme", repo, number));
    WorkflowClient.start(
        preview::run,
        new PreviewRequest("acme", repo, number, "f", "sha-" + number, "octocat", null));
    return preview;
  }
}
