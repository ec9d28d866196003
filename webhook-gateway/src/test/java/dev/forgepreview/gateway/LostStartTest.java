package dev.forgepreview.gateway;

import static dev.forgepreview.gateway.GitHub.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.workflows.Admission;
import dev.forgepreview.workflows.AdmissionWorkflow.AdmissionInput;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.activities.AdmissionActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code closed} then {@code reopened} at once, through the gateway into the in-memory Temporal
 * service running the real {@link PreviewEnvironmentWorkflowImpl}; only the activities are replaced
 * (each is tested for real in its own module). The site's delete is held, so the reopen lands while
 * the first preview is being torn down.
 */
@MicronautTest
@Property(name = "test.real-temporal-client", value = "true")
class LostStartTest {
  private static final String OPENED_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
  private static final String REOPENED_SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  private static final CountDownLatch TEARDOWN_HELD = new CountDownLatch(1);
  private static final AtomicLong DEPLOYMENTS = new AtomicLong(500);
  private static final TestWorkflowEnvironment ENV = environment();

  @Inject
  @Client("/")
  HttpClient http;

  @MockBean(WorkflowClient.class)
  WorkflowClient workflowClient() {
    return ENV.getWorkflowClient();
  }

  @AfterAll
  static void stop() {
    TEARDOWN_HELD.countDown();
    ENV.close();
  }

  @Test
  void closedThenReopenedAtOnceEndsWithAFreshPreviewOfTheReopenedCommit() throws Exception {
    GitHub github = new GitHub(http);
    int number = Payloads.nextNumber();
    String workflowId = PreviewIds.workflowId("acme", "shop", number);
    PreviewEnvironmentWorkflow preview =
        ENV.getWorkflowClient().newWorkflowStub(PreviewEnvironmentWorkflow.class, workflowId);

    Answer opened =
        github.deliver("pull_request", Payloads.load("pull_request.opened").number(number).bytes());
    assertThat(opened.field("action")).isEqualTo("started");
    eventually(() -> preview.status().phase() == Phase.READY);
    String firstRun =
        ENV.getWorkflowClient()
            .newUntypedWorkflowStub(workflowId)
            .describe()
            .getExecution()
            .getRunId();

    Answer closed =
        github.deliver("pull_request", Payloads.load("pull_request.closed").number(number).bytes());
    assertThat(closed.field("action")).isEqualTo("signalled");
    eventually(() -> preview.status().phase() == Phase.DESTROYING);

    Answer reopened =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.reopened").number(number).headSha(REOPENED_SHA).bytes());

    assertThat(reopened.status()).isEqualTo(202);
    assertThat(reopened.field("action")).isEqualTo("accepted");
    assertThat(reopened.field("reason"))
        .isEqualTo(
            "pull_request reopened: the preview is being torn down (DESTROYING); a fresh one"
                + " starts once that is done");
    assertThat(preview.status().startAfterTeardown()).isEqualTo("alice");

    TEARDOWN_HELD.countDown();
    eventually(
        () -> {
          PreviewStatus status = preview.status();
          return status.phase() == Phase.READY && REOPENED_SHA.equals(status.deployedSha());
        });
    assertThat(
            ENV.getWorkflowClient()
                .newUntypedWorkflowStub(workflowId)
                .describe()
                .getExecution()
                .getRunId())
        .isNotEqualTo(firstRun);
  }

  /** The coordinator's signals, sent with signal-with-start as the worker's activities do. */
  private static AdmissionActivities admission(TestWorkflowEnvironment env) {
    AdmissionActivities admission =
        mock(AdmissionActivities.class, withSettings().withoutAnnotations());
    org.mockito.stubbing.Answer<Void> signal =
        i -> {
          Object message = i.getArgument(0);
          String coordinator =
              message instanceof Admission.SlotRequest r
                  ? r.coordinatorId()
                  : ((Admission.SlotRelease) message).coordinatorId();
          String name =
              switch (i.getMethod().getName()) {
                case "requestSlot" -> PreviewIds.SIGNAL_REQUEST;
                case "releaseSlot" -> PreviewIds.SIGNAL_RELEASE;
                default -> PreviewIds.SIGNAL_REPORT;
              };
          env.getWorkflowClient()
              .newUntypedWorkflowStub(
                  PreviewIds.ADMISSION_WORKFLOW_TYPE,
                  io.temporal.client.WorkflowOptions.newBuilder()
                      .setWorkflowId(coordinator)
                      .setTaskQueue(PreviewIds.TASK_QUEUE)
                      .build())
              .signalWithStart(
                  name, new Object[] {message}, new Object[] {AdmissionInput.defaults()});
          return null;
        };
    doAnswer(signal).when(admission).requestSlot(any());
    doAnswer(signal).when(admission).releaseSlot(any());
    doAnswer(signal).when(admission).reportOutcome(any());
    return admission;
  }

  private static TestWorkflowEnvironment environment() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    for (SearchAttributeKey<?> key :
        new SearchAttributeKey<?>[] {
          PreviewIds.REPOSITORY,
          PreviewIds.PULL_REQUEST,
          PreviewIds.PHASE,
          PreviewIds.QUEUE_POSITION
        }) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    ForgeActivities forge = mock(ForgeActivities.class, withSettings().withoutAnnotations());
    when(forge.awaitServerReady(any()))
        .thenAnswer(
            i ->
                new ServerRef(
                    i.<AwaitServerRequest>getArgument(0).serverId(), "s", "192.0.2.7", true));
    when(forge.createSite(any()))
        .thenAnswer(
            i -> {
              CreateSiteRequest r = i.getArgument(0);
              return new SiteRef(r.serverId(), 11, r.domain());
            });
    when(forge.createDatabase(any()))
        .thenAnswer(i -> new DatabaseRef(123, 21, i.<CreateDatabaseRequest>getArgument(0).name()));
    when(forge.createDatabaseUser(any()))
        .thenAnswer(
            i ->
                new DatabaseUserRef(
                    123, 31, i.<CreateDatabaseUserRequest>getArgument(0).userName()));
    when(forge.deploySite(any()))
        .thenAnswer(
            i -> {
              DeployRequest r = i.getArgument(0);
              return new DeploymentRef(
                  r.serverId(),
                  r.siteId(),
                  DEPLOYMENTS.incrementAndGet(),
                  "deploying",
                  r.headSha());
            });
    when(forge.awaitDeployment(any()))
        .thenAnswer(
            i -> {
              AwaitDeploymentRequest r = i.getArgument(0);
              return new DeploymentRef(
                  r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
            });
    when(forge.checkSiteHealth(any()))
        .thenReturn(new SiteHealth(true, "installed", "installed", "ok"));
    doAnswer(
            i -> {
              TEARDOWN_HELD.await(30, TimeUnit.SECONDS);
              return null;
            })
        .when(forge)
        .deleteSite(any());
    SettingsActivities settings =
        mock(SettingsActivities.class, withSettings().withoutAnnotations());
    when(settings.settingsFor(any())).thenReturn(settings());
    HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
    when(health.checkConnectivity(any())).thenReturn(200);
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        admission(env),
        settings,
        health,
        mock(GitHubActivities.class, withSettings().withoutAnnotations()),
        mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(forge);
    env.start();
    return env;
  }

  private static PreviewSettings settings() {
    return new PreviewSettings(
        "acme/shop",
        Mode.SHARED,
        123L,
        null,
        "previews.acme.example",
        "shop",
        "pr-{number}-{project}.{domain}",
        "pr_{number}",
        "php83",
        "github",
        true,
        null,
        Map.of(),
        null,
        false,
        "P7D",
        Trigger.AUTO,
        10,
        16,
        50,
        Timeouts.defaults(),
        null);
  }
}
