package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeUpRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** The compose backend's pipeline with its activities replaced (each is tested for real). */
class ComposePipelineTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SHA = "1111111111111111111111111111111111111111";
  private static final String NEW_SHA = "2222222222222222222222222222222222222222";
  private static final ApplicationFailure BUILD_FAILED =
      ApplicationFailure.newNonRetryableFailure("the build failed", FailureType.FAILED.name());

  @Test
  void composePreviewGoesReadyOnItsHostWithoutTouchingForge() {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.previewUrl()).isEqualTo("http://pr-42-shop.preview.acme.dev:8080/");
      assertThat(status.deployedSha()).isEqualTo(SHA);
      assertThat(status.compose().project()).isEqualTo("fp-shop-pr42");
      // the lowest free port of the host's coordinator, not 20000 + 42 % 1000
      assertThat(status.compose().port()).isEqualTo(20000);
      assertThat(status.compose().workDirectory()).isEqualTo("/srv/previews/fp-shop-pr42");
      assertThat(status.compose().composeSource()).isEqualTo("generated");
      assertThat(status.resources()).isEqualTo(ForgeResources.none());
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .containsExactly(
              "load-settings",
              "admission",
              "checkout-source",
              "write-compose-file",
              "compose-up",
              "app-health",
              "publish-nginx-site");
      assertThat(status.steps()).allMatch(s -> s.state() == StepState.SUCCEEDED);

      ArgumentCaptor<CheckoutRequest> checkout = ArgumentCaptor.forClass(CheckoutRequest.class);
      verify(activities.compose).checkoutSource(checkout.capture());
      assertThat(checkout.getValue().sha()).isEqualTo(SHA);
      assertThat(checkout.getValue().repository()).isEqualTo("acme/shop");
      ArgumentCaptor<ComposeUpRequest> up = ArgumentCaptor.forClass(ComposeUpRequest.class);
      verify(activities.compose).composeUp(up.capture());
      assertThat(up.getValue().composeFile())
          .isEqualTo("/srv/previews/fp-shop-pr42/docker-compose.yml");
      assertThat(up.getValue().environment())
          .containsEntry("APP_URL", "http://pr-42-shop.preview.acme.dev:8080/")
          .doesNotContainKey("MAIL_MAILER");
      // Configured values are added by the activity, looked up by repository, never in history.
      assertThat(up.getValue().repository()).isEqualTo("acme/shop");
      ArgumentCaptor<NginxSiteRequest> nginx = ArgumentCaptor.forClass(NginxSiteRequest.class);
      verify(activities.compose).publishNginxSite(nginx.capture());
      assertThat(nginx.getValue().domain()).isEqualTo("pr-42-shop.preview.acme.dev");
      assertThat(nginx.getValue().basicAuth()).isNull();
      assertThat(nginx.getValue().target().port()).isEqualTo(20000);
      assertThat(status.access()).isNull();
      verifyNoInteractions(activities.forge, activities.clone);
    }
  }

  @Test
  void aRepositoryWithBasicAuthGetsItsNginxSiteProtectedAndTheStatusSaysSo() {
    PreviewSettings settings = TestSettings.withBasicAuth(TestSettings.compose(), "preview");
    try (MockedActivities activities = new MockedActivities(settings)) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<NginxSiteRequest> nginx = ArgumentCaptor.forClass(NginxSiteRequest.class);
      verify(activities.compose).publishNginxSite(nginx.capture());
      // Only who the activity works the password out for: it never enters history.
      assertThat(nginx.getValue().basicAuth())
          .isEqualTo(new ComposeActivities.BasicAuthFor("acme/shop", ID));
      assertThat(workflow.status().access()).isEqualTo("basic auth, user preview");
      verifyNoInteractions(activities.access, activities.forge);

      workflow.destroy(new DestroySignal("closed", "octocat"));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      ArgumentCaptor<NginxSiteRequest> removed = ArgumentCaptor.forClass(NginxSiteRequest.class);
      verify(activities.compose).removeNginxSite(removed.capture());
      assertThat(removed.getValue().target().project()).isEqualTo("fp-shop-pr42");
    }
  }

  @Test
  void aProtectedPreviewWhoseNginxSiteCannotBeProtectedFailsAndIsRolledBack() {
    PreviewSettings settings = TestSettings.withBasicAuth(TestSettings.compose(), "preview");
    try (MockedActivities activities = new MockedActivities(settings)) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "acme/shop has no basicAuth in the repositories file any more",
                  FailureType.INVALID_INPUT.name()))
          .when(activities.compose)
          .publishNginxSite(any());
      activities.start(TestSettings.request(42, "feature/x", SHA));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("publish-nginx-site");
      assertThat(result.access()).isNull();
      assertThat(result.rolledBack())
          .containsExactly("delete-nginx-site", "delete-compose-project", "delete-work-directory");
    }
  }

  static Stream<Arguments> criticalSteps() {
    List<String> directory = List.of("delete-work-directory");
    List<String> project = List.of("delete-compose-project", "delete-work-directory");
    List<String> all =
        List.of("delete-nginx-site", "delete-compose-project", "delete-work-directory");
    return Stream.of(
        Arguments.of("checkout-source", fail(c -> c.checkoutSource(any())), directory),
        Arguments.of("write-compose-file", fail(c -> c.renderComposeFile(any())), directory),
        Arguments.of("compose-up", fail(c -> c.composeUp(any())), project),
        Arguments.of("app-health", fail(c -> c.awaitAppHealthy(any())), project),
        Arguments.of("publish-nginx-site", fail(c -> c.publishNginxSite(any())), all));
  }

  private static Consumer<ComposeActivities> fail(Consumer<ComposeActivities> call) {
    return compose -> call.accept(doThrow(BUILD_FAILED).when(compose));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("criticalSteps")
  void aFailedStepRollsBackWhatWasRegisteredNewestFirst(
      String step, Consumer<ComposeActivities> failure, List<String> expectedRollback) {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      failure.accept(activities.compose);

      activities.start(TestSettings.request(42, "feature/x", SHA));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo(step);
      assertThat(result.failureReason()).contains("the build failed");
      assertThat(result.rolledBack()).containsExactlyElementsOf(expectedRollback);
      ComposeActivities compose = activities.compose;
      InOrder order = inOrder(compose);
      for (String removal : expectedRollback) {
        switch (removal) {
          case "delete-nginx-site" -> order.verify(compose).removeNginxSite(any());
          case "delete-compose-project" -> order.verify(compose).composeDown(any());
          default -> order.verify(compose).removeWorkDirectory(any());
        }
      }
      if (!expectedRollback.contains("delete-nginx-site")) {
        verify(compose, never()).removeNginxSite(any());
      }
      if (!expectedRollback.contains("delete-compose-project")) {
        verify(compose, never()).composeDown(any());
      }
    }
  }

  @Test
  void eachCompensationTargetsTheSameProjectAndRequestIdAsItsAction() {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      doThrow(BUILD_FAILED).when(activities.compose).publishNginxSite(any());
      activities.start(TestSettings.request(42, "feature/x", SHA));
      activities.result(ID);

      ArgumentCaptor<CheckoutRequest> checkout = ArgumentCaptor.forClass(CheckoutRequest.class);
      verify(activities.compose).checkoutSource(checkout.capture());
      ArgumentCaptor<ComposeTarget> removed = ArgumentCaptor.forClass(ComposeTarget.class);
      verify(activities.compose).removeWorkDirectory(removed.capture());
      assertThat(removed.getValue()).isEqualTo(checkout.getValue().target());

      ArgumentCaptor<ComposeUpRequest> up = ArgumentCaptor.forClass(ComposeUpRequest.class);
      verify(activities.compose).composeUp(up.capture());
      ArgumentCaptor<ComposeTarget> down = ArgumentCaptor.forClass(ComposeTarget.class);
      verify(activities.compose).composeDown(down.capture());
      assertThat(down.getValue()).isEqualTo(up.getValue().target());

      ArgumentCaptor<NginxSiteRequest> published = ArgumentCaptor.forClass(NginxSiteRequest.class);
      verify(activities.compose).publishNginxSite(published.capture());
      ArgumentCaptor<NginxSiteRequest> unpublished =
          ArgumentCaptor.forClass(NginxSiteRequest.class);
      verify(activities.compose).removeNginxSite(unpublished.capture());
      assertThat(unpublished.getValue().target()).isEqualTo(published.getValue().target());
      assertThat(unpublished.getValue().target().project()).isEqualTo("fp-shop-pr42");
    }
  }

  @Test
  void anUpdateRebuildsAtTheNewShaAndDestroyRemovesEverythingNewestFirst() {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(NEW_SHA, "feature/x", "delivery-2", null));
      awaitCondition(
          activities,
          () ->
              workflow.status().phase() == Phase.READY
                  && NEW_SHA.equals(workflow.status().deployedSha()));
      PreviewStatus updated = workflow.status();
      assertThat(updated.steps())
          .extracting(StepRecord::name)
          .contains("checkout-source#2", "write-compose-file#2", "compose-up#2", "app-health#2");
      ArgumentCaptor<CheckoutRequest> checkouts = ArgumentCaptor.forClass(CheckoutRequest.class);
      verify(activities.compose, times(2)).checkoutSource(checkouts.capture());
      assertThat(checkouts.getAllValues())
          .extracting(CheckoutRequest::sha)
          .containsExactly(SHA, NEW_SHA);
      assertThat(checkouts.getAllValues())
          .extracting(CheckoutRequest::repository)
          .containsExactly("acme/shop", "acme/shop");
      verify(activities.compose, times(1)).publishNginxSite(any());

      workflow.destroy(new DestroySignal("closed", "octocat"));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack())
          .containsExactly("delete-nginx-site", "delete-compose-project", "delete-work-directory");
      InOrder order = inOrder(activities.compose);
      order.verify(activities.compose).removeNginxSite(any());
      order.verify(activities.compose).composeDown(any());
      order.verify(activities.compose).removeWorkDirectory(any());
    }
  }

  @Test
  void aComposeTeardownThatKeepsFailingEndsTeardownFailedWithTheProjectLeftBehind() {
    PreviewSettings compose = TestSettings.compose();
    Timeouts t = compose.timeouts();
    PreviewSettings threeRounds =
        TestSettings.withTimeouts(
            compose,
            new Timeouts(
                t.serverReady(),
                t.serverPollInterval(),
                t.resourcePollInterval(),
                t.deployment(),
                t.deploymentPollInterval(),
                t.healthTries(),
                t.healthInterval(),
                t.connectivityTries(),
                t.connectivityInterval(),
                3,
                "PT1M"));
    try (MockedActivities activities = new MockedActivities(threeRounds)) {
      doThrow(BUILD_FAILED).when(activities.compose).composeDown(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("closed", "octocat"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.TEARDOWN_FAILED);
      // The work directory (compose file, port claim) stays while the project may still run.
      assertThat(result.leftBehind())
          .extracting(Leftover::resource, Leftover::name)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("compose-project", "fp-shop-pr42"),
              org.assertj.core.groups.Tuple.tuple("work-directory", "/srv/previews/fp-shop-pr42"));
      assertThat(result.leftBehind().get(0).lastError()).contains("the build failed");
      assertThat(result.rolledBack()).containsExactly("delete-nginx-site");
      verify(activities.compose, times(3)).composeDown(any());
      verify(activities.compose, never()).removeWorkDirectory(any());
    }
  }

  @Test
  void aForkPullRequestClonesTheForkForTheStartAndEveryUpdateEvenAfterContinueAsNew() {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      org.mockito.Mockito.when(activities.github.resolvePullRequest(any()))
          .thenReturn(
              new dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead(
                  "patch-1", SHA, "contributor/shop", "open"));
      PreviewEnvironmentWorkflow workflow = activities.start(TestSettings.request(42, null, null));
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().compose().repository()).isEqualTo("contributor/shop");
      // continueAsNewAfterDeployments is 3: the third update runs in a continued execution
      String[] shas = {
        NEW_SHA,
        "3333333333333333333333333333333333333333",
        "4444444444444444444444444444444444444444"
      };
      for (int i = 0; i < shas.length; i++) {
        String sha = shas[i];
        workflow.update(new UpdateSignal(sha, "patch-1", "delivery-" + i, null));
        awaitCondition(activities, () -> sha.equals(workflow.status().deployedSha()));
      }
      ArgumentCaptor<CheckoutRequest> checkouts = ArgumentCaptor.forClass(CheckoutRequest.class);
      verify(activities.compose, times(4)).checkoutSource(checkouts.capture());
      assertThat(checkouts.getAllValues())
          .extracting(CheckoutRequest::repository)
          .containsOnly("contributor/shop");
    }
  }

  @Test
  void pathRoutingGivesThePreviewAPathOnTheSharedDomain() {
    PreviewSettings base = TestSettings.compose();
    PreviewSettings.ComposeHost h = base.compose();
    PreviewSettings.ComposeHost pathBased =
        new PreviewSettings.ComposeHost(
            h.host(),
            h.sshPort(),
            h.sshUser(),
            h.root(),
            h.repositoryUrl(),
            h.composeCommand(),
            PreviewSettings.Routing.PATH,
            h.nginxCommand(),
            h.nginxConfigDirectory(),
            h.listenAddress(),
            443,
            h.portBase(),
            h.portCount(),
            h.memoryLimit(),
            h.cpus(),
            "/etc/ssl/wild.pem",
            "/etc/ssl/wild.key",
            h.healthPath(),
            h.build(),
            h.health());
    assertThat(ComposeNames.previewUrl(withCompose(base, pathBased), 42))
        .isEqualTo("https://preview.acme.dev/pr-42/");
    assertThat(ComposeNames.port(base, 1042)).isEqualTo(20042);
  }

  private static PreviewSettings withCompose(PreviewSettings s, PreviewSettings.ComposeHost c) {
    return TestSettings.with(s, "compose", c);
  }
}
