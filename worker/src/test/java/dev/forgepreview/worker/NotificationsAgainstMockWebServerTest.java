package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.activities.notify.NotificationActivitiesImpl;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.HealthActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow with the real notification activity, its URL a secret resolved from the worker's
 * environment, against MockWebServer: 5xx answers are retried (a bounded number of times), a 4xx is
 * given up at once, and either way the preview's outcome is unchanged.
 */
class NotificationsAgainstMockWebServerTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SECRET_PATH = "/services/T000/B000/secret-path-1f3a";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RepositorySettings SETTINGS =
      RepositorySettings.parse(
          """
          repositories:
            acme/shop:
              domain: preview.acme.dev
              server: {credentialId: 1}
              notifications: {url: "${env:PREVIEW_HOOK_URL}"}
          """,
          "test");

  private final MockWebServer hook = new MockWebServer();
  private TestWorkflowEnvironment env;
  private final ForgeActivities forge =
      mock(ForgeActivities.class, withSettings().withoutAnnotations());
  private final GitHubActivities github =
      mock(GitHubActivities.class, withSettings().withoutAnnotations());
  private final HealthActivities health =
      mock(HealthActivities.class, withSettings().withoutAnnotations());
  private final DatabaseCloneActivities clone =
      mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void start() throws Exception {
    hook.start();
    env = PreviewTestEnvironment.create();
    // Provisioning fails at its first step: the preview ends FAILED after its rollback.
    when(forge.createServer(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "POST /servers answered 422", FailureType.VALIDATION.name()));
    Env workerEnv = new Env(Map.of("PREVIEW_HOOK_URL", hook.url(SECRET_PATH).toString()));
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new AdmissionActivitiesImpl(env.getWorkflowClient()),
        github,
        health,
        clone,
        new SettingsActivitiesImpl(() -> SETTINGS),
        new NotificationActivitiesImpl(
            repository -> SETTINGS.notificationUrl(repository, workerEnv)));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE).registerActivitiesImplementations(forge);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    hook.close();
  }

  private PreviewStatus runToTheEnd() {
    PreviewEnvironmentWorkflow workflow =
        PreviewTestEnvironment.startPreview(
            env,
            ID,
            new PreviewRequest("acme", "shop", 42, "feature/x", "abc1234", "octocat", null));
    return env.getWorkflowClient().newUntypedWorkflowStub(ID).getResult(PreviewStatus.class);
  }

  @Test
  void serverErrorsAreRetriedUntilTheNotificationIsDelivered() throws Exception {
    hook.enqueue(new MockResponse.Builder().code(503).build());
    hook.enqueue(new MockResponse.Builder().code(502).build());
    hook.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    PreviewStatus result = runToTheEnd();

    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(hook.getRequestCount()).isEqualTo(3);
    assertThat(result.warnings()).noneMatch(w -> w.startsWith("notification"));
    for (int i = 0; i < 3; i++) {
      var request = hook.takeRequest();
      assertThat(request.getUrl().encodedPath()).isEqualTo(SECRET_PATH);
      JsonNode body = JSON.readTree(request.getBody().utf8());
      assertThat(body.path("event").asText()).isEqualTo("failed");
      assertThat(body.path("repository").asText()).isEqualTo("acme/shop");
      assertThat(body.path("pullRequest").asInt()).isEqualTo(42);
      assertThat(body.path("failedStep").asText()).isEqualTo("create-server");
      assertThat(body.path("failure").asText()).contains("answered 422");
      assertThat(body.path("sha").asText()).isEqualTo("abc1234");
    }
  }

  @Test
  void aClientErrorIsGivenUpAtOnceAndRecordedAsAWarning() {
    hook.enqueue(new MockResponse.Builder().code(404).body("no_service").build());

    PreviewStatus result = runToTheEnd();

    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(hook.getRequestCount()).isEqualTo(1);
    assertThat(result.warnings())
        .contains(
            "notification of failed failed: VALIDATION: POST to "
                + hook.getHostName()
                + " answered 404");
    assertThat(String.join("\n", result.warnings())).doesNotContain("secret-path");
  }

  @Test
  void aNotificationThatKeepsFailingStopsAfterItsTries() {
    for (int i = 0; i < 10; i++) {
      hook.enqueue(new MockResponse.Builder().code(500).build());
    }

    PreviewStatus result = runToTheEnd();

    assertThat(result.phase()).isEqualTo(Phase.FAILED);
    assertThat(hook.getRequestCount()).isEqualTo(5);
    assertThat(result.warnings())
        .anyMatch(w -> w.startsWith("notification of failed failed:") && w.contains("500"));
  }
}
