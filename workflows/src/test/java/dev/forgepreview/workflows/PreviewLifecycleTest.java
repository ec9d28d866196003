package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.EncodingKeys;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;

class PreviewLifecycleTest {
  private static final String ID = "preview:acme:shop:42";
  private static final ApplicationFailure BOOM =
      ApplicationFailure.newNonRetryableFailure("it broke", FailureType.FAILED.name());

  @Test
  void happyPathEndsReadyWithEveryStepRecorded() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.previewUrl()).isEqualTo("https://pr-42-shop.preview.acme.dev");
      assertThat(status.deployedSha()).isEqualTo("abc1234");
      assertThat(status.warnings()).isEmpty();
      assertThat(status.resources().serverId()).isEqualTo(7L);
      assertThat(status.resources().serverIp()).isEqualTo("192.0.2.7");
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .containsExactly(
              "load-settings",
              "admission",
              "create-server",
              "wait-server-ready",
              "create-site",
              "create-database",
              "create-database-user",
              "grant-database",
              "clone-database",
              "install-repository",
              "write-environment",
              "create-queue-worker",
              "obtain-certificate",
              "deploy-script",
              "deploy",
              "wait-deployment",
              "site-health",
              "connectivity");
      assertThat(status.steps()).allMatch(s -> s.state() == StepState.SUCCEEDED);
      assertThat(Instant.parse(status.expiresAt()))
          .isEqualTo(
              Instant.parse(step(status, "admission").finishedAt()).plus(Duration.ofDays(7)));
      ArgumentCaptor<ForgeActivities.WriteEnvironmentRequest> env =
          ArgumentCaptor.forClass(ForgeActivities.WriteEnvironmentRequest.class);
      verify(activities.forge).writeEnvironment(env.capture());
      assertThat(env.getValue().variables())
          .containsEntry("APP_ENV", "testing")
          .containsEntry("DB_DATABASE", "pr_42")
          .containsEntry("DB_USERNAME", "pr_42")
          .containsEntry("APP_URL", "https://pr-42-shop.preview.acme.dev")
          // Only the key: the Forge activity looks the value up by repository.
          .containsEntry("MAIL_MAILER", "")
          .doesNotContainKey("DB_PASSWORD");
      assertThat(env.getValue().repository()).isEqualTo("acme/shop");
    }
  }

  @Test
  void sharedServerModeSkipsTheServerAndNeverDeletesIt() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().steps())
          .filteredOn(s -> s.name().equals("create-server"))
          .singleElement()
          .extracting(StepRecord::state)
          .isEqualTo(StepState.SKIPPED);
      verify(activities.forge, never()).createServer(any());

      workflow.destroy(new DestroySignal("done", "octocat"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack())
          .containsExactly("delete-database-user", "delete-database", "delete-site");
      verify(activities.forge, never()).deleteServer(any());
      verify(activities.clone).flushRedis(any());
    }
  }

  static Stream<Arguments> optionalSteps() {
    return Stream.of(
        Arguments.of(
            "clone-database",
            (Consumer<MockedActivities>) a -> doThrow(BOOM).when(a.clone).cloneDatabase(any())),
        Arguments.of(
            "write-environment",
            (Consumer<MockedActivities>) a -> doThrow(BOOM).when(a.forge).writeEnvironment(any())),
        Arguments.of(
            "create-queue-worker",
            (Consumer<MockedActivities>) a -> doThrow(BOOM).when(a.forge).createQueueWorker(any())),
        Arguments.of(
            "obtain-certificate",
            (Consumer<MockedActivities>) a -> doThrow(BOOM).when(a.forge).obtainCertificate(any())),
        Arguments.of(
            "site-health",
            (Consumer<MockedActivities>)
                a ->
                    when(a.forge.checkSiteHealth(any()))
                        .thenReturn(new SiteHealth(false, "installed", null, "no repository"))),
        Arguments.of(
            "connectivity",
            (Consumer<MockedActivities>)
                a -> doThrow(BOOM).when(a.health).checkConnectivity(any())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionalSteps")
  void nonCriticalFailureEndsReadyWithAWarning(String step, Consumer<MockedActivities> failure) {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      failure.accept(activities);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.warnings()).singleElement().asString().startsWith(step + ":");
      assertThat(status.steps())
          .filteredOn(s -> s.name().equals(step))
          .singleElement()
          .extracting(StepRecord::state)
          .isEqualTo(StepState.WARNING);
      verify(activities.forge, never()).deleteSite(any());
    }
  }

  @Test
  void missingMasterDatabaseIsAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.clone.cloneDatabase(any()))
          .thenReturn(new CloneResult(false, 0, "master database shop does not exist"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().warnings())
          .containsExactly("clone-database: master database shop does not exist");
    }
  }

  @Test
  void updatesDuringProvisioningCollapseIntoOneRedeployOfTheNewestSha() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      AtomicBoolean release = new AtomicBoolean(false);
      CompletableFuture<Void> serverSeen = new CompletableFuture<>();
      org.mockito.Mockito.doAnswer(
              i -> {
                serverSeen.complete(null);
                if (!release.get()) {
                  throw ApplicationFailure.newFailure("installing", FailureType.NOT_READY.name());
                }
                return new ServerRef(7, "s", "192.0.2.7", true);
              })
          .when(activities.forge)
          .awaitServerReady(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      serverSeen.join();
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "octocat"));
      workflow.update(new UpdateSignal("sha-3", "feature/x", "d-3", "octocat"));
      workflow.update(new UpdateSignal("sha-3", "feature/x", "d-3", "octocat"));
      release.set(true);

      awaitCondition(activities, () -> "sha-3".equals(workflow.status().deployedSha()));

      ArgumentCaptor<DeployRequest> deploys = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge, times(2)).deploySite(deploys.capture());
      assertThat(deploys.getAllValues())
          .extracting(DeployRequest::headSha)
          .containsExactly("sha-1", "sha-3");
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      assertThat(workflow.status().deployments()).isEqualTo(2);
    }
  }

  @Test
  void repeatedDeliveryAndSameShaDoNotRedeploy() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal("sha-1", "feature/x", "d-1", "github"));
      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.update(new UpdateSignal("sha-9", "feature/x", "d-2", "github"));
      activities.env.sleep(Duration.ofMinutes(1));

      verify(activities.forge, times(2)).deploySite(any());
      assertThat(workflow.status().deployedSha()).isEqualTo("sha-2");
    }
  }

  @Test
  void aForcedUpdateRedeploysTheCommitThatIsAlreadyLive() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("feature/x", "sha-1", "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      WorkflowStub untyped = activities.env.getWorkflowClient().newUntypedWorkflowStub(ID);

      // Unforced, the live commit is a duplicate: nothing is deployed.
      untyped.signal("update", cliJson("{}"));
      activities.env.sleep(Duration.ofMinutes(1));
      verify(activities.forge, times(1)).deploySite(any());

      // What `forge-preview redeploy` and the README's typed signal send.
      untyped.signal("update", cliJson("{\"force\": true, \"note\": \"unknown is fine\"}"));
      awaitCondition(activities, () -> workflow.status().deployments() == 2);

      ArgumentCaptor<DeployRequest> deploys = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge, times(2)).deploySite(deploys.capture());
      assertThat(deploys.getAllValues())
          .extracting(DeployRequest::headSha)
          .containsExactly("sha-1", "sha-1");
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().deployedSha()).isEqualTo("sha-1");
    }
  }

  @Test
  void theStartsOwnUpdateSignalDoesNotRedeployWhenForgeNamesAnotherCommit() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      org.mockito.Mockito.doReturn(
              new ForgeActivities.DeploymentRef(7, 11, 501, "finished", "f00dfeed"))
          .when(activities.forge)
          .awaitDeployment(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      workflow.update(new UpdateSignal("sha-1", "feature/x", "d-1", "github"));
      awaitPhase(activities, workflow, Phase.READY);
      activities.env.sleep(Duration.ofMinutes(1));

      verify(activities.forge, times(1)).deploySite(any());
      // The script checked out the pinned sha; what Forge says it deployed is reported, not used.
      assertThat(workflow.status().deployedSha()).isEqualTo("sha-1");
      assertThat(workflow.status().warnings()).anyMatch(w -> w.contains("f00dfeed"));
    }
  }

  @Test
  void anOperatorCancelTearsThePreviewDownLikeDestroy() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      activities.env.getWorkflowClient().newUntypedWorkflowStub(ID).cancel();

      // The run closes as cancelled (the SDK reports the request), but only after its teardown.
      assertThatThrownBy(() -> activities.result(ID))
          .isInstanceOf(io.temporal.client.WorkflowFailedException.class)
          .hasCauseInstanceOf(io.temporal.failure.CanceledFailure.class);
      PreviewStatus result = workflow.status();
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack())
          .containsExactly(
              "delete-database-user", "delete-database", "delete-site", "delete-server");
      verify(activities.forge).deleteServer(any());
    }
  }

  @Test
  void destroyBeforeThePipelineStartsProvisionsNothing() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      HeldSettings held = holdSettings(activities);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      held.loading().join();
      workflow.destroy(new DestroySignal("closed at once", "octocat"));
      workflow.extend(new ExtendSignal("P1D"));
      held.release().complete(null);

      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      verify(activities.forge, never()).createServer(any());
      verify(activities.forge, never()).createSite(any());
    }
  }

  @Test
  void anExtendBeforeTheExpiryIsKnownIsNotLost() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      HeldSettings held = holdSettings(activities);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      held.loading().join();
      workflow.extend(new ExtendSignal("P1D"));
      held.release().complete(null);
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(Instant.parse(status.expiresAt()))
          .isEqualTo(
              Instant.parse(step(status, "admission").finishedAt()).plus(Duration.ofDays(8)));
    }
  }

  @Test
  void aForkPullRequestStartedByCommentInstallsTheForksRepository() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("main", "sha-fork", "mallory/shop", "open"));
      PreviewEnvironmentWorkflow workflow = activities.start(TestSettings.request(42, null, null));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<ForgeActivities.InstallRepositoryRequest> install =
          ArgumentCaptor.forClass(ForgeActivities.InstallRepositoryRequest.class);
      verify(activities.forge).installRepository(install.capture());
      assertThat(install.getValue().repository()).isEqualTo("mallory/shop");
      assertThat(install.getValue().branch()).isEqualTo("main");
    }
  }

  @Test
  void destroyDuringProvisioningStopsThePipelineAndRollsBack() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      CompletableFuture<Void> installing = new CompletableFuture<>();
      org.mockito.Mockito.doAnswer(
              i -> {
                installing.complete(null);
                throw ApplicationFailure.newFailure("installing", FailureType.NOT_READY.name());
              })
          .when(activities.forge)
          .installRepository(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      installing.join();
      // Between two polls of the install (a poll every 5 s): the moment a destroy usually lands.
      activities.env.sleep(Duration.ofSeconds(2));
      workflow.destroy(null);

      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack())
          .containsExactly(
              "delete-database-user", "delete-database", "delete-site", "delete-server");
      verify(activities.forge, never()).deploySite(any());
      // The install was stopped by the destroy, not left polling until its 20-minute limit.
      assertThat(result.steps())
          .filteredOn(s -> s.name().equals("install-repository"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.state()).isEqualTo(StepState.FAILED);
                assertThat(s.message()).isEqualTo("cancelled: destroy requested");
              });
      assertThat(result.failedStep()).isNull();
    }
  }

  /**
   * The clone is optional, but a destroy stops it like any step instead of warning and going on.
   */
  @Test
  void destroyDuringTheDatabaseCloneStopsThePipelineWithoutAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      CompletableFuture<Void> cloning = new CompletableFuture<>();
      org.mockito.Mockito.doAnswer(
              i -> {
                cloning.complete(null);
                throw ApplicationFailure.newFailure("ssh: connection reset", "TRANSIENT");
              })
          .when(activities.clone)
          .cloneDatabase(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      cloning.join();
      workflow.destroy(new DestroySignal("closed", "octocat"));

      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.warnings()).isEmpty();
      assertThat(result.steps())
          .filteredOn(s -> s.name().equals("clone-database"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.state()).isEqualTo(StepState.FAILED);
                assertThat(s.message()).isEqualTo("cancelled");
              });
      verify(activities.forge, never()).installRepository(any());
    }
  }

  @Test
  void ttlExpiryTearsDownAndExtendPushesItOut() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      Instant expiry = Instant.parse(workflow.status().expiresAt());

      activities.env.sleep(Duration.ofDays(6));
      workflow.extend(new ExtendSignal("P3D"));
      activities.env.sleep(Duration.ofDays(2));
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      assertThat(Instant.parse(workflow.status().expiresAt()))
          .isEqualTo(expiry.plus(Duration.ofDays(3)));
      verify(activities.forge, never()).deleteServer(any());

      activities.env.sleep(Duration.ofDays(2));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      verify(activities.forge).deleteServer(any());
    }
  }

  @Test
  void invalidExtendIsIgnoredWithAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      String expiry = workflow.status().expiresAt();
      workflow.extend(new ExtendSignal("three days"));
      assertThat(workflow.status().expiresAt()).isEqualTo(expiry);
      assertThat(workflow.status().warnings()).anyMatch(w -> w.contains("three days"));
    }
  }

  @Test
  void extendsBackwardsOrBeyondNinetyDaysAreIgnoredWithAWarning() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      Instant expiry = Instant.parse(workflow.status().expiresAt());

      workflow.extend(new ExtendSignal("-P1D"));
      workflow.extend(new ExtendSignal("P91D"));
      workflow.extend(new ExtendSignal(null));
      workflow.extend(null);
      assertThat(Instant.parse(workflow.status().expiresAt())).isEqualTo(expiry);
      assertThat(workflow.status().warnings())
          .containsExactly(
              "extend ignored: -P1D is not between 0 and PT2160H",
              "extend ignored: P91D is not between 0 and PT2160H");

      workflow.extend(new ExtendSignal("P90D"));
      assertThat(Instant.parse(workflow.status().expiresAt()))
          .isEqualTo(expiry.plus(Duration.ofDays(90)));
    }
  }

  @Test
  void startFromCommentLooksUpTheHeadItself() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.github.resolvePullRequest(any()))
          .thenReturn(new PullRequestHead("feature/y", "sha-head", "acme/shop", "open"));
      PreviewEnvironmentWorkflow workflow = activities.start(TestSettings.request(42, null, null));
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().branch()).isEqualTo("feature/y");
      assertThat(workflow.status().deployedSha()).isEqualTo("sha-head");
    }
  }

  @Test
  void unknownRepositoryFailsWithoutCreatingAnything() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      when(activities.settings.settingsFor(any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "acme/shop is not configured", FailureType.VALIDATION.name()));
      activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("load-settings");
      verify(activities.forge, never()).createServer(any());
    }
  }

  @Test
  void githubOutageNeverFailsThePreview() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      doThrow(ApplicationFailure.newNonRetryableFailure("bad credentials", "AUTHENTICATION"))
          .when(activities.github)
          .publishStatus(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      verify(activities.github, atLeastOnce()).publishStatus(any());
    }
  }

  @Test
  void publishesEachPhaseToThePullRequest() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result(ID);
      ArgumentCaptor<PublishStatusRequest> published =
          ArgumentCaptor.forClass(PublishStatusRequest.class);
      verify(activities.github, atLeastOnce()).publishStatus(published.capture());
      assertThat(published.getAllValues())
          .extracting(p -> p.status().phase())
          .containsSubsequence(Phase.PROVISIONING, Phase.READY, Phase.DESTROYING, Phase.DESTROYED);
    }
  }

  @Test
  void signalsTypedWithTheClisReachTheHandlers() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      WorkflowStub untyped = activities.env.getWorkflowClient().newUntypedWorkflowStub(ID);

      // What `temporal workflow signal --input '{...}'` sends: one json/plain payload.
      untyped.signal(
          "extend", cliJson("{\"ttl\":\"P1D\",\"comment\":\"unknown fields are fine\"}"));
      awaitCondition(activities, () -> workflow.status().expiresAt() != null && extended(workflow));
      // What `temporal workflow signal --name destroy` with no --input sends: no payload at all.
      untyped.signal("destroy");

      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
    }
  }

  private static boolean extended(PreviewEnvironmentWorkflow workflow) {
    List<StepRecord> steps = workflow.status().steps();
    Instant started = Instant.parse(steps.get(0).startedAt());
    return Instant.parse(workflow.status().expiresAt())
        .isAfter(started.plus(Duration.ofDays(7)).plus(Duration.ofHours(23)));
  }

  /**
   * The settings activity, held until {@code release} completes; {@code loading}: it was called.
   */
  private record HeldSettings(CompletableFuture<Void> loading, CompletableFuture<Void> release) {}

  private static HeldSettings holdSettings(MockedActivities activities) {
    HeldSettings held = new HeldSettings(new CompletableFuture<>(), new CompletableFuture<>());
    org.mockito.Mockito.doAnswer(
            i -> {
              held.loading().complete(null);
              held.release().join();
              return TestSettings.dedicated();
            })
        .when(activities.settings)
        .settingsFor(any());
    return held;
  }

  static RawValue cliJson(String json) {
    return new RawValue(
        Payload.newBuilder()
            .putMetadata(
                EncodingKeys.METADATA_ENCODING_KEY,
                com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
            .setData(com.google.protobuf.ByteString.copyFrom(json, StandardCharsets.UTF_8))
            .build());
  }

  static void awaitPhase(
      MockedActivities activities, PreviewEnvironmentWorkflow workflow, Phase phase) {
    awaitCondition(activities, () -> workflow.status().phase() == phase);
  }

  /** Advances the test service's clock in small steps until the condition holds. */
  static void awaitCondition(MockedActivities activities, java.util.function.BooleanSupplier done) {
    for (int i = 0; i < 2_000; i++) {
      if (done.getAsBoolean()) {
        return;
      }
      activities.env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("condition not reached within 2000 simulated seconds");
  }

  static StepRecord step(PreviewStatus status, String name) {
    return status.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
