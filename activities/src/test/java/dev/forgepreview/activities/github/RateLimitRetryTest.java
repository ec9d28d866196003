package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A secondary rate limit through a real Temporal activity retry: the second attempt succeeds. */
class RateLimitRetryTest {
  static final String QUEUE = "github-retry-test";

  private final MockWebServer server = new MockWebServer();
  private TestWorkflowEnvironment env;

  @WorkflowInterface
  public interface ResolveWorkflow {
    @WorkflowMethod
    PullRequestHead resolve(PullRequestRef ref);
  }

  public static class ResolveWorkflowImpl implements ResolveWorkflow {
    private final GitHubActivities github =
        Workflow.newActivityStub(
            GitHubActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(20))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumAttempts(3)
                        .build())
                .build());

    @Override
    public PullRequestHead resolve(PullRequestRef ref) {
      return github.resolvePullRequest(ref);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server.start();
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ResolveWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new GitHubActivitiesImpl(
            new GitHubClient(
                GitHubConfig.withApiUrl(server.url("/").toString()),
                new TokenCredentials("ghp_test_token"))));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  @Test
  void theActivityIsRetriedAfterTheDelayGitHubAskedFor() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "90")
            .body("{\"message\": \"You have exceeded a secondary rate limit.\"}")
            .build());
    server.enqueue(
        GitHubActivitiesImplTest.json(
            "{\"state\": \"open\", \"head\": {\"ref\": \"feature/login\", \"sha\": \""
                + Statuses.SHA
                + "\", \"repo\": {\"full_name\": \"acme/shop\"}}}"));
    WorkflowClient client = env.getWorkflowClient();
    ResolveWorkflow workflow =
        client.newWorkflowStub(
            ResolveWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
    long started = env.currentTimeMillis();

    PullRequestHead head = workflow.resolve(new PullRequestRef("acme", "shop", 42));

    assertThat(head.headSha()).isEqualTo(Statuses.SHA);
    assertThat(server.getRequestCount()).isEqualTo(2);
    // The test server skips the wait: 90 s of workflow time, not the policy's 1 s.
    assertThat(env.currentTimeMillis() - started).isGreaterThanOrEqualTo(90_000);
  }
}
