package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.Admission.BreakerReset;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionInput;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionState;
import dev.forgepreview.workflows.AdmissionWorkflow.BreakerState;
import dev.forgepreview.workflows.PreviewSettings.AdmissionSettings;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mockito.ArgumentCaptor;

/**
 * The admission coordinator with real previews on the test server (time skipping): the cap, the
 * queue, turns across repositories on a shared server, Redis databases, the circuit breaker,
 * reconciliation and continue-as-new.
 */
class AdmissionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHOP = "admission:acme:shop";

  private static PreviewSettings dedicated(int cap, int breakerFailures) {
    return TestSettings.withAdmission(
        TestSettings.dedicated(), cap, new AdmissionSettings(1, 15, breakerFailures, "PT10M"));
  }

  @Test
  void theCapHoldsExactlyUnderConcurrentStartsAndEveryPreviewGetsItsTurn() {
    try (MockedActivities activities = new MockedActivities(dedicated(3, 3))) {
      activities.env.start();
      List<PreviewEnvironmentWorkflow> previews = new ArrayList<>();
      for (int number = 1; number <= 8; number++) {
        PreviewEnvironmentWorkflow preview =
            activities.stub(PreviewIds.workflowId("acme", "shop", number));
        WorkflowClient.start(preview::run, TestSettings.request(number, "f", "sha-" + number));
        previews.add(preview);
      }
      // The coordinator tells each queued preview its place as the queue grows: wait for the last
      // notice (length 5) to have reached all of them, not only for the phases.
      awaitCondition(
          activities,
          () ->
              count(previews, Phase.READY) == 3
                  && queued(previews) == 5
                  && previews.stream()
                      .filter(p -> p.status().phase() == Phase.QUEUED)
                      .allMatch(
                          p -> p.status().queue() != null && p.status().queue().length() == 5));
      AdmissionState state = coordinator(activities, SHOP).admission();
      assertThat(state.holders()).hasSize(3);
      assertThat(state.queue()).hasSize(5);
      assertThat(
              previews.stream()
                  .filter(p -> p.status().phase() == Phase.QUEUED)
                  .map(p -> p.status().queue().position()))
          .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
      assertThat(previews.stream().filter(p -> p.status().phase() == Phase.QUEUED))
          .allSatisfy(
              p -> {
                assertThat(p.status().queue().length()).isEqualTo(5);
                assertThat(p.status().queue().reason())
                    .isEqualTo("waiting for a slot: 3 of 3 previews of acme/shop run");
              });

      // Close the ready ones, one at a time: the queue drains in order, never above the cap.
      Set<Integer> destroyed = new HashSet<>();
      while (destroyed.size() < 8) {
        int ready =
            IntStream.range(0, 8)
                .filter(i -> !destroyed.contains(i))
                .filter(i -> previews.get(i).status().phase() == Phase.READY)
                .findFirst()
                .orElseThrow();
        previews.get(ready).destroy(new DestroySignal("closed", "octocat"));
        destroyed.add(ready);
        awaitCondition(
            activities,
            () ->
                previews.get(ready).status().phase() == Phase.DESTROYED
                    && (destroyed.size() == 8
                        || count(previews, Phase.READY) == Math.min(3, 8 - destroyed.size())));
      }
      assertThat(maxHeld(activities, SHOP)).isEqualTo(3);
      AdmissionState end = coordinator(activities, SHOP).admission();
      assertThat(end.granted()).isEqualTo(8);
      assertThat(end.released()).isEqualTo(8);
      assertThat(end.holders()).isEmpty();
    }
  }

  @Test
  void aPreviewWaitsItsTurnFirstComeFirstServedAndLeavesTheQueueWhenClosed() {
    try (MockedActivities activities = new MockedActivities(dedicated(1, 3))) {
      PreviewEnvironmentWorkflow first = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, first, Phase.READY);
      PreviewEnvironmentWorkflow second = startAnother(activities, 2);
      awaitPhase(activities, second, Phase.QUEUED);
      PreviewEnvironmentWorkflow third = startAnother(activities, 3);
      awaitCondition(
          activities,
          () -> third.status().queue() != null && third.status().queue().position() == 2);
      assertThat(second.status().queue().position()).isEqualTo(1);

      second.destroy(new DestroySignal("pull request closed", "octocat"));
      PreviewStatus gone = activities.result(PreviewIds.workflowId("acme", "shop", 2));
      assertThat(gone.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(gone.resources().serverId()).isNull();
      ArgumentCaptor<CreateServerRequest> servers =
          ArgumentCaptor.forClass(CreateServerRequest.class);
      verify(activities.forge, org.mockito.Mockito.atLeastOnce()).createServer(servers.capture());
      assertThat(servers.getAllValues())
          .noneMatch(r -> r.requestId().startsWith("preview:acme:shop:2/"));
      awaitCondition(
          activities, () -> coordinator(activities, SHOP).admission().queue().size() == 1);

      first.destroy(new DestroySignal("closed", "octocat"));
      awaitPhase(activities, third, Phase.READY);
      assertThat(PreviewLifecycleTest.step(third.status(), "admission").message())
          .isEqualTo("slot granted by " + SHOP);
    }
  }

  @Test
  void repositoriesOnOneSharedServerTakeTurnsAndNeverShareARedisDatabase() {
    PreviewSettings shared =
        TestSettings.withAdmission(
            TestSettings.shared(99), 10, new AdmissionSettings(1, 2, 3, "PT10M"));
    try (MockedActivities activities = new MockedActivities(shared)) {
      String server = "admission:forge-server:99";
      PreviewEnvironmentWorkflow shop1 = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, shop1, Phase.READY);
      PreviewEnvironmentWorkflow shop2 = startAnother(activities, "shop", 2);
      awaitPhase(activities, shop2, Phase.READY);
      PreviewEnvironmentWorkflow shop3 = startAnother(activities, "shop", 3);
      awaitPhase(activities, shop3, Phase.QUEUED);
      PreviewEnvironmentWorkflow blog11 = startAnother(activities, "blog", 11);
      awaitPhase(activities, blog11, Phase.QUEUED);
      PreviewEnvironmentWorkflow blog12 = startAnother(activities, "blog", 12);
      awaitPhase(activities, blog12, Phase.QUEUED);
      assertThat(shop1.status().names().redisDatabase()).isEqualTo(1);
      assertThat(shop2.status().names().redisDatabase()).isEqualTo(2);
      // The shop had the last turn: the blog's oldest comes first, then the shop's, then the
      // blog's.
      awaitCondition(
          activities,
          () ->
              blog11.status().queue().position() == 1
                  && shop3.status().queue().position() == 2
                  && blog12.status().queue().position() == 3);
      assertThat(shop3.status().queue().reason())
          .isEqualTo("no free Redis database on this server (1-2 all in use)");

      shop1.destroy(new DestroySignal("closed", "octocat"));
      awaitPhase(activities, blog11, Phase.READY);
      ArgumentCaptor<FlushRedisRequest> flushed = ArgumentCaptor.forClass(FlushRedisRequest.class);
      verify(activities.clone).flushRedis(flushed.capture());
      assertThat(flushed.getValue().database()).isEqualTo(1);
      assertThat(flushed.getValue().requestId()).startsWith("preview:acme:shop:1/");
      assertThat(blog11.status().names().redisDatabase()).isEqualTo(1);
      assertThat(shop3.status().phase()).isEqualTo(Phase.QUEUED);

      shop2.destroy(new DestroySignal("closed", "octocat"));
      awaitPhase(activities, shop3, Phase.READY);
      assertThat(shop3.status().names().redisDatabase()).isEqualTo(2);
      assertThat(blog12.status().phase()).isEqualTo(Phase.QUEUED);
      assertThat(coordinator(activities, server).admission().pools().get(Admission.REDIS_POOL))
          .satisfies(
              pool ->
                  assertThat(pool.taken())
                      .containsOnly(
                          Map.entry("preview:acme:blog:11", 1),
                          Map.entry("preview:acme:shop:3", 2)));
    }
  }

  @Test
  void theBreakerOpensAfterInfrastructureFailuresHalfOpensForOneProbeAndAnOperatorResetsIt() {
    try (MockedActivities activities = new MockedActivities(dedicated(10, 2))) {
      AtomicBoolean forgeDown = new AtomicBoolean(true);
      doAnswer(
              i -> {
                if (forgeDown.get()) {
                  throw ApplicationFailure.newNonRetryableFailure(
                      "Forge answered 403", FailureType.AUTHENTICATION.name());
                }
                CreateServerRequest r = i.getArgument(0);
                return new dev.forgepreview.workflows.activities.ForgeActivities.ServerRef(
                    7, r.name(), null, false);
              })
          .when(activities.forge)
          .createServer(any());
      PreviewEnvironmentWorkflow one = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, one, Phase.FAILED);
      PreviewEnvironmentWorkflow two = startAnother(activities, 2);
      awaitPhase(activities, two, Phase.FAILED);
      assertThat(coordinator(activities, SHOP).admission().breakers().get("acme/shop").state())
          .isEqualTo(BreakerState.OPEN);

      PreviewEnvironmentWorkflow three = startAnother(activities, 3);
      awaitPhase(activities, three, Phase.QUEUED);
      awaitCondition(activities, () -> three.status().queue() != null);
      assertThat(three.status().queue().reason())
          .startsWith("circuit breaker open after 2 infrastructure failures in a row");
      PreviewEnvironmentWorkflow four = startAnother(activities, 4);
      awaitPhase(activities, four, Phase.QUEUED);

      // After the cool-down one probe runs; it fails and the breaker opens again.
      activities.env.sleep(Duration.ofMinutes(10));
      awaitPhase(activities, three, Phase.FAILED);
      assertThat(four.status().phase()).isEqualTo(Phase.QUEUED);
      assertThat(coordinator(activities, SHOP).admission().breakers().get("acme/shop").state())
          .isEqualTo(BreakerState.OPEN);

      // Forge is fixed; the operator closes the breaker without waiting for the cool-down.
      forgeDown.set(false);
      activities
          .env
          .getWorkflowClient()
          .newUntypedWorkflowStub(SHOP)
          .signal(PreviewIds.SIGNAL_RESET_BREAKER, new BreakerReset("acme/shop", "operator"));
      awaitPhase(activities, four, Phase.READY);
      assertThat(coordinator(activities, SHOP).admission().breakers()).isEmpty();
    }
  }

  @Test
  void aHalfOpenBreakerClosesWhenTheProbeSucceedsAndCodeFailuresDoNotCount() {
    try (MockedActivities activities = new MockedActivities(dedicated(10, 1))) {
      AtomicBoolean forgeDown = new AtomicBoolean(true);
      AtomicBoolean codeBroken = new AtomicBoolean(true);
      doAnswer(
              i -> {
                if (forgeDown.get()) {
                  throw ApplicationFailure.newNonRetryableFailure(
                      "Forge answered 403", FailureType.AUTHENTICATION.name());
                }
                CreateServerRequest r = i.getArgument(0);
                return new dev.forgepreview.workflows.activities.ForgeActivities.ServerRef(
                    7, r.name(), null, false);
              })
          .when(activities.forge)
          .createServer(any());
      doAnswer(
              i -> {
                var r =
                    i
                        .<dev.forgepreview.workflows.activities.ForgeActivities
                                .AwaitDeploymentRequest>
                            getArgument(0);
                if (codeBroken.get()) {
                  throw ApplicationFailure.newNonRetryableFailure(
                      "deployment failed", FailureType.FAILED.name(), "composer: syntax error");
                }
                return new dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef(
                    r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
              })
          .when(activities.forge)
          .awaitDeployment(any());
      PreviewEnvironmentWorkflow one = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, one, Phase.FAILED);
      PreviewEnvironmentWorkflow two = startAnother(activities, 2);
      awaitPhase(activities, two, Phase.QUEUED);
      forgeDown.set(false);
      activities.env.sleep(Duration.ofMinutes(10));
      // The probe reaches Forge and fails on its own code: the breaker stays half-open, the next
      // preview is the next probe, and a success closes it.
      awaitPhase(activities, two, Phase.FAILED);
      assertThat(two.status().failureLog()).contains("composer: syntax error");
      assertThat(coordinator(activities, SHOP).admission().breakers().get("acme/shop").state())
          .isEqualTo(BreakerState.HALF_OPEN);
      codeBroken.set(false);
      PreviewEnvironmentWorkflow three = startAnother(activities, 3);
      awaitPhase(activities, three, Phase.READY);
      assertThat(coordinator(activities, SHOP).admission().breakers()).isEmpty();
      PreviewEnvironmentWorkflow four = startAnother(activities, 4);
      awaitPhase(activities, four, Phase.READY);
    }
  }

  @Test
  void aTerminatedHolderLosesItsSlotAtTheNextReconciliation() {
    try (MockedActivities activities = new MockedActivities(dedicated(1, 3))) {
      PreviewEnvironmentWorkflow first = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, first, Phase.READY);
      PreviewEnvironmentWorkflow second = startAnother(activities, 2);
      awaitPhase(activities, second, Phase.QUEUED);
      activities
          .env
          .getWorkflowClient()
          .newUntypedWorkflowStub(PreviewIds.workflowId("acme", "shop", 1))
          .terminate("operator");
      activities.env.sleep(Duration.ofMinutes(6));
      awaitPhase(activities, second, Phase.READY);
      assertThat(coordinator(activities, SHOP).admission().holders())
          .extracting(AdmissionWorkflow.Holder::previewId)
          .containsExactly(PreviewIds.workflowId("acme", "shop", 2));
    }
  }

  @Test
  void theCoordinatorContinuesAsNewCarryingItsQueue() {
    try (MockedActivities activities = new MockedActivities(dedicated(1, 3))) {
      activities.env.start();
      AdmissionWorkflow coordinator = coordinatorToStart(activities, SHOP);
      WorkflowExecution firstRun =
          WorkflowClient.start(coordinator::run, new AdmissionInput(null, null, 40));
      List<PreviewEnvironmentWorkflow> previews = new ArrayList<>();
      for (int number = 1; number <= 5; number++) {
        PreviewEnvironmentWorkflow preview =
            activities.stub(PreviewIds.workflowId("acme", "shop", number));
        WorkflowClient.start(preview::run, TestSettings.request(number, "f", "s" + number));
        previews.add(preview);
        awaitPhase(activities, preview, number == 1 ? Phase.READY : Phase.QUEUED);
      }
      awaitCondition(activities, () -> !currentRun(activities).equals(firstRun.getRunId()));
      AdmissionState carried = coordinator.admission();
      assertThat(carried.holders())
          .extracting(AdmissionWorkflow.Holder::previewId)
          .containsExactly(PreviewIds.workflowId("acme", "shop", 1));
      assertThat(carried.queue())
          .extracting(AdmissionWorkflow.Waiter::previewId)
          .containsExactly(
              PreviewIds.workflowId("acme", "shop", 2),
              PreviewIds.workflowId("acme", "shop", 3),
              PreviewIds.workflowId("acme", "shop", 4),
              PreviewIds.workflowId("acme", "shop", 5));
      for (int i = 0; i < 5; i++) {
        awaitPhase(activities, previews.get(i), Phase.READY);
        previews.get(i).destroy(new DestroySignal("closed", "octocat"));
      }
      awaitCondition(activities, () -> coordinator.admission().released() == 5);
    }
  }

  /** Records the coordinator's history and an admitted preview's for ReplayTest. */
  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordAdmissionHistories() throws IOException {
    try (MockedActivities activities =
        new MockedActivities(
            TestSettings.withAdmission(
                TestSettings.shared(99), 1, new AdmissionSettings(1, 15, 3, "PT10M")))) {
      PreviewEnvironmentWorkflow first = activities.start(TestSettings.request(1, "f", "a"));
      awaitPhase(activities, first, Phase.READY);
      PreviewEnvironmentWorkflow second = startAnother(activities, 2);
      awaitPhase(activities, second, Phase.QUEUED);
      PreviewEnvironmentWorkflow third = startAnother(activities, 3);
      awaitPhase(activities, third, Phase.QUEUED);
      third.destroy(new DestroySignal("closed", "octocat"));
      first.destroy(new DestroySignal("closed", "octocat"));
      awaitPhase(activities, second, Phase.READY);
      activities
          .env
          .getWorkflowClient()
          .newUntypedWorkflowStub("admission:forge-server:99")
          .signal(PreviewIds.SIGNAL_RESET_BREAKER, (Object) null);
      activities.env.sleep(Duration.ofMinutes(6));
      second.destroy(new DestroySignal("closed", "octocat"));
      activities.result(PreviewIds.workflowId("acme", "shop", 2));
      activities.env.sleep(Duration.ofSeconds(5));
      write(activities, "admission:forge-server:99", ReplayTest.COORDINATOR);
      write(activities, PreviewIds.workflowId("acme", "shop", 2), ReplayTest.ADMITTED);
    }
  }

  private static void write(MockedActivities activities, String id, String name)
      throws IOException {
    WorkflowExecutionHistory history =
        activities.env.getWorkflowExecutionHistory(
            WorkflowExecution.newBuilder().setWorkflowId(id).build());
    Files.writeString(Path.of("src/test/resources").resolve(name), history.toJson(true));
  }

  // ---- helpers -----------------------------------------------------------------------------

  static AdmissionWorkflow coordinator(MockedActivities activities, String id) {
    return activities.env.getWorkflowClient().newWorkflowStub(AdmissionWorkflow.class, id);
  }

  private static AdmissionWorkflow coordinatorToStart(MockedActivities activities, String id) {
    return activities
        .env
        .getWorkflowClient()
        .newWorkflowStub(
            AdmissionWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build());
  }

  private static String currentRun(MockedActivities activities) {
    return activities
        .env
        .getWorkflowClient()
        .newUntypedWorkflowStub(SHOP)
        .describe()
        .getExecution()
        .getRunId();
  }

  private static PreviewEnvironmentWorkflow startAnother(MockedActivities activities, int number) {
    return startAnother(activities, "shop", number);
  }

  private static PreviewEnvironmentWorkflow startAnother(
      MockedActivities activities, String repo, int number) {
    PreviewEnvironmentWorkflow preview =
        activities.stub(PreviewIds.workflowId("acme", repo, number));
    WorkflowClient.start(
        preview::run,
        new PreviewRequest("acme", repo, number, "f", "sha-" + number, "octocat", null));
    return preview;
  }

  private static long count(List<PreviewEnvironmentWorkflow> previews, Phase phase) {
    return previews.stream().filter(p -> p.status().phase() == phase).count();
  }

  private static long queued(List<PreviewEnvironmentWorkflow> previews) {
    return previews.stream()
        .filter(p -> p.status().phase() == Phase.QUEUED && p.status().queue() != null)
        .count();
  }

  /**
   * The most slots held at once, read from the coordinator's history: a grant is an {@code
   * admitted} signal it sent, a release a {@code release} signal it received for a holder.
   */
  static int maxHeld(MockedActivities activities, String coordinatorId) {
    WorkflowExecutionHistory history =
        activities.env.getWorkflowExecutionHistory(
            WorkflowExecution.newBuilder().setWorkflowId(coordinatorId).build());
    return maxHeld(history.getEvents());
  }

  static int maxHeld(List<HistoryEvent> events) {
    Set<String> held = new HashSet<>();
    int max = 0;
    for (HistoryEvent event : events) {
      if (event.getEventType() == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
          && event
              .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
              .getSignalName()
              .equals(PreviewIds.SIGNAL_ADMITTED)) {
        held.add(
            event
                .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
                .getWorkflowExecution()
                .getWorkflowId());
        max = Math.max(max, held.size());
      } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
          && event
              .getWorkflowExecutionSignaledEventAttributes()
              .getSignalName()
              .equals(PreviewIds.SIGNAL_RELEASE)) {
        held.remove(previewId(event));
      }
    }
    return max;
  }

  private static String previewId(HistoryEvent signaled) {
    try {
      JsonNode release =
          JSON.readTree(
              signaled
                  .getWorkflowExecutionSignaledEventAttributes()
                  .getInput()
                  .getPayloads(0)
                  .getData()
                  .toStringUtf8());
      return release.path("previewId").asText();
    } catch (IOException e) {
      throw new IllegalStateException("unreadable release signal", e);
    }
  }
}
