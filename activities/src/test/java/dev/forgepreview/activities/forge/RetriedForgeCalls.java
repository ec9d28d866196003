package dev.forgepreview.activities.forge;

import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateQueueWorkerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ObtainCertificateRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;

/**
 * Forge activities run the way a workflow runs them: on a worker of Temporal's test server, retried
 * by Temporal, so a retry has attempt number 2 and gets the heartbeat details the server kept (what
 * a {@code TestActivityEnvironment} call cannot show). The workflow here is test scaffolding; the
 * activities are the real ones against the simulator.
 */
final class RetriedForgeCalls implements AutoCloseable {
  static final ServerSpec SPEC = new ServerSpec("ocean2", 7L, "ams2", "01", "php83", "mysql8");
  private static final String QUEUE = "retried-forge-calls";

  /** Creates one kind of resource with retries; returns its id. */
  @WorkflowInterface
  public interface CreateWorkflow {
    @WorkflowMethod
    long create(String kind, long serverId, long siteId, String name);
  }

  public static class CreateWorkflowImpl implements CreateWorkflow {
    @Override
    public long create(String kind, long serverId, long siteId, String name) {
      ForgeActivities forge =
          Workflow.newActivityStub(
              ForgeActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofSeconds(1))
                          .setBackoffCoefficient(1.0)
                          .setMaximumAttempts(5)
                          .setDoNotRetry(FailureType.NON_RETRYABLE)
                          .build())
                  .build());
      return switch (kind) {
        case "server" -> forge.createServer(new CreateServerRequest("r", name, SPEC)).serverId();
        case "site" ->
            forge
                .createSite(new CreateSiteRequest("r", serverId, name, "pr42-shop", null, "/"))
                .siteId();
        case "database" ->
            forge.createDatabase(new CreateDatabaseRequest("r", serverId, name)).databaseId();
        case "database-user" ->
            forge
                .createDatabaseUser(
                    new CreateDatabaseUserRequest("r", serverId, name, "preview:acme:shop:42"))
                .userId();
        case "worker" ->
            forge.createQueueWorker(
                new CreateQueueWorkerRequest("r", serverId, siteId, "redis", name, 1, 60));
        case "certificate" ->
            forge.obtainCertificate(new ObtainCertificateRequest("r", serverId, siteId, name));
        default -> throw new IllegalArgumentException(kind);
      };
    }
  }

  private final TestWorkflowEnvironment env;

  RetriedForgeCalls(ForgeSimulator simulator) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(CreateWorkflowImpl.class);
    worker.registerActivitiesImplementations(ForgeFixtures.activities(simulator, Map.of()));
    env.start();
  }

  long create(String kind, long serverId, long siteId, String name) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            CreateWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build())
        .create(kind, serverId, siteId, name);
  }

  @Override
  public void close() {
    env.close();
  }
}
