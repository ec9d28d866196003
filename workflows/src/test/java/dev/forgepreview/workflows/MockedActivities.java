package dev.forgepreview.workflows;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutResult;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeFile;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.CommenterPermission;
import dev.forgepreview.workflows.activities.GitHubActivities.PermissionRequest;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.NotificationActivities;
import dev.forgepreview.workflows.activities.SettingsActivities;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test environment whose activities are Mockito mocks of the activity interfaces (the one seam
 * the project allows; every activity is also tested for real in its own module).
 */
final class MockedActivities implements AutoCloseable {
  final TestWorkflowEnvironment env;
  final ForgeActivities forge = mock(ForgeActivities.class, withSettings().withoutAnnotations());
  final DatabaseCloneActivities clone =
      mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations());
  final GitHubActivities github = mock(GitHubActivities.class, withSettings().withoutAnnotations());
  final HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
  final ComposeActivities compose =
      mock(ComposeActivities.class, withSettings().withoutAnnotations());
  final SettingsActivities settings =
      mock(SettingsActivities.class, withSettings().withoutAnnotations());
  final SiteAccessActivities access =
      mock(SiteAccessActivities.class, withSettings().withoutAnnotations());
  final CleanupActivities cleanup =
      mock(CleanupActivities.class, withSettings().withoutAnnotations());
  final NotificationActivities notifications =
      mock(NotificationActivities.class, withSettings().withoutAnnotations());
  private final AtomicLong deploymentIds = new AtomicLong(500);

  /** Whether create-site reports the site as its own (false: found and adopted, a leftover). */
  volatile boolean sitesCreated = true;

  MockedActivities(PreviewSettings previewSettings) {
    env = TestWorkflowEnvironment.newInstance();
    registerSearchAttributes(env);
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class,
        PreviewCleanupWorkflowImpl.class,
        AdmissionWorkflowImpl.class,
        MasterSnapshotWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        clone,
        github,
        health,
        settings,
        cleanup,
        compose,
        notifications,
        new AdmissionActivitiesImpl(env.getWorkflowClient()));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(forge, access);
    happyPath(previewSettings);
  }

  static void registerSearchAttributes(TestWorkflowEnvironment env) {
    env.registerSearchAttribute(
        PreviewIds.REPOSITORY.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        PreviewIds.PULL_REQUEST.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    env.registerSearchAttribute(
        PreviewIds.PHASE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        PreviewIds.QUEUE_POSITION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
  }

  private void happyPath(PreviewSettings previewSettings) {
    when(settings.settingsFor(any())).thenReturn(previewSettings);
    when(forge.createServer(any(CreateServerRequest.class)))
        .thenAnswer(
            i -> new ServerRef(7, i.<CreateServerRequest>getArgument(0).name(), null, false));
    when(forge.awaitServerReady(any()))
        .thenAnswer(
            i ->
                new ServerRef(
                    i.<ForgeActivities.AwaitServerRequest>getArgument(0).serverId(),
                    "s",
                    "192.0.2.7",
                    true));
    when(forge.createSite(any(CreateSiteRequest.class)))
        .thenAnswer(
            i ->
                new SiteRef(
                    i.<CreateSiteRequest>getArgument(0).serverId(),
                    11,
                    i.<CreateSiteRequest>getArgument(0).domain(),
                    sitesCreated));
    when(forge.createDatabase(any(CreateDatabaseRequest.class)))
        .thenAnswer(i -> new DatabaseRef(7, 21, i.<CreateDatabaseRequest>getArgument(0).name()));
    when(forge.createDatabaseUser(any(CreateDatabaseUserRequest.class)))
        .thenAnswer(
            i ->
                new DatabaseUserRef(7, 31, i.<CreateDatabaseUserRequest>getArgument(0).userName()));
    when(forge.installRepository(any()))
        .thenReturn(new ForgeActivities.InstalledSite("forge", "pr-42.preview.example", false));
    when(forge.createQueueWorker(any())).thenReturn(41L);
    when(access.protectSite(any())).thenReturn(61L);
    when(access.installCertificate(any())).thenReturn(71L);
    when(forge.obtainCertificate(any())).thenReturn(51L);
    when(forge.deploySite(any(DeployRequest.class)))
        .thenAnswer(
            i -> {
              DeployRequest r = i.getArgument(0);
              return new DeploymentRef(
                  r.serverId(), r.siteId(), deploymentIds.incrementAndGet(), "deploying", null);
            });
    when(forge.awaitDeployment(any()))
        .thenAnswer(
            i -> {
              ForgeActivities.AwaitDeploymentRequest r = i.getArgument(0);
              return new DeploymentRef(
                  r.serverId(), r.siteId(), r.deploymentId(), "finished", null);
            });
    when(forge.checkSiteHealth(any()))
        .thenReturn(new SiteHealth(true, "installed", "installed", "ok"));
    when(clone.cloneDatabase(any())).thenReturn(new CloneResult(true, 1024, null));
    when(health.checkConnectivity(any())).thenReturn(200);
    when(github.commenterPermission(any()))
        .thenAnswer(
            i ->
                new CommenterPermission(
                    i.<PermissionRequest>getArgument(0).login(), "write", true));
    when(compose.checkoutSource(any()))
        .thenAnswer(i -> new CheckoutResult(i.<CheckoutRequest>getArgument(0).sha()));
    when(compose.renderComposeFile(any()))
        .thenAnswer(
            i ->
                new ComposeFile(
                    "/srv/previews/"
                        + i.<RenderComposeRequest>getArgument(0).target().project()
                        + "/docker-compose.yml",
                    "generated"));
    when(compose.awaitAppHealthy(any())).thenReturn(200);
  }

  PreviewEnvironmentWorkflow start(PreviewRequest request) {
    env.start();
    PreviewEnvironmentWorkflow workflow = stub(request.workflowId());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  /** Starts the way the gateway does: signal-with-start with the start's {@code update}. */
  PreviewEnvironmentWorkflow signalWithStart(PreviewRequest request, UpdateSignal update) {
    env.start();
    PreviewEnvironmentWorkflow workflow = stub(request.workflowId());
    io.temporal.client.BatchRequest batch = env.getWorkflowClient().newSignalWithStartRequest();
    batch.add(workflow::run, request);
    batch.add(workflow::update, update);
    env.getWorkflowClient().signalWithStart(batch);
    return workflow;
  }

  PreviewEnvironmentWorkflow stub(String workflowId) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            PreviewEnvironmentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build());
  }

  PreviewStatus result(String workflowId) {
    return env.getWorkflowClient()
        .newUntypedWorkflowStub(workflowId)
        .getResult(PreviewStatus.class);
  }

  @Override
  public void close() {
    env.close();
  }
}
