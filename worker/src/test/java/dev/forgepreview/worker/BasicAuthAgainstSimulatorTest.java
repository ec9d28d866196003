package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.forgepreview.activities.forge.ForgeActivitiesImpl;
import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.forge.SiteAccessActivitiesImpl;
import dev.forgepreview.activities.health.HealthActivitiesImpl;
import dev.forgepreview.activities.health.HealthConfig;
import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A protected preview end to end with the real Forge, site access and health activities against the
 * simulator: the site refuses anonymous requests, the connectivity check gets in with the derived
 * password, the password never reaches history, and the teardown deletes the rule.
 */
class BasicAuthAgainstSimulatorTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SECRET_KEY = "test-only-preview-secret-key-0123456789";
  private static final String REPOSITORIES =
      """
      repositories:
        acme/shop:
          domain: preview.acme.dev
          server: {credentialId: 1}
          basicAuth: {username: preview}
      """;
  private static final RepositorySettings SETTINGS = RepositorySettings.parse(REPOSITORIES, "test");

  private TestWorkflowEnvironment env;
  private ForgeSimulator forge;
  private final GitHubActivities github =
      mock(GitHubActivities.class, withSettings().withoutAnnotations());
  private final DatabaseCloneActivities clone =
      mock(DatabaseCloneActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void start() {
    env = PreviewTestEnvironment.create();
    forge =
        ForgeSimulator.builder()
            .token("sim-token-abc")
            .clock(new PreviewAgainstSimulatorTest.TestServiceClock(env))
            .build();
    forge.start();
  }

  @AfterEach
  void stop() {
    env.close();
    forge.close();
  }

  @Test
  void protectedPreviewRefusesAnonymousRequestsAndLeavesNoPasswordInHistory() throws Exception {
    PreviewSecrets secrets = PreviewSecrets.fromString(SECRET_KEY);
    BasicAuthCredentials credentials =
        PreviewWorker.basicAuthCredentials(secrets, Map.of(), () -> SETTINGS);
    ForgeClient client = new ForgeClient(ForgeClientConfig.of(forge.baseUrl(), forge.token()));
    // The simulator serves each site under its own URL: the check is pointed there.
    OkHttpClient toSimulator =
        SharedHttpClient.root()
            .newBuilder()
            .addInterceptor(
                chain -> {
                  Request request = chain.request();
                  String host = request.url().host();
                  if (!host.endsWith(".preview.acme.dev")) {
                    return chain.proceed(request);
                  }
                  return chain.proceed(request.newBuilder().url(forge.siteUrl(host)).build());
                })
            .build();
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    // A preview asks its admission coordinator for a slot before it provisions.
    worker.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class, AdmissionWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new AdmissionActivitiesImpl(env.getWorkflowClient()),
        github,
        clone,
        new HealthActivitiesImpl(toSimulator, HealthConfig.defaults(), credentials),
        new SettingsActivitiesImpl(() -> SETTINGS));
    env.newWorker(PreviewIds.FORGE_TASK_QUEUE)
        .registerActivitiesImplementations(
            new ForgeActivitiesImpl(client, secrets, name -> null),
            new SiteAccessActivitiesImpl(client, credentials));
    env.start();
    PreviewEnvironmentWorkflow workflow =
        PreviewTestEnvironment.startPreview(
            env,
            ID,
            new PreviewRequest("acme", "shop", 42, "feature/x", "abc1234", "octocat", null));
    awaitPhase(workflow, Phase.READY);

    PreviewStatus status = workflow.status();
    assertThat(status.access()).isEqualTo("basic auth, user preview");
    assertThat(status.warnings()).isEmpty();
    assertThat(status.steps())
        .filteredOn(s -> s.name().equals("connectivity"))
        .singleElement()
        .extracting(StepRecord::message)
        .isEqualTo("HTTP 200");
    String domain = status.names().siteDomain();
    assertThat(forge.securityRules())
        .singleElement()
        .satisfies(rule -> assertThat(rule.usernames()).containsExactly("preview"));
    try (Response anonymous =
        new OkHttpClient()
            .newCall(new Request.Builder().url(forge.siteUrl(domain)).build())
            .execute()) {
      assertThat(anonymous.code()).isEqualTo(401);
    }

    workflow.destroy(new DestroySignal("closed", "octocat"));
    PreviewStatus result =
        env.getWorkflowClient().newUntypedWorkflowStub(ID).getResult(PreviewStatus.class);
    assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
    assertThat(result.rolledBack()).contains("delete-security-rule");
    assertThat(forge.securityRules()).isEmpty();
    assertThat(
            forge
                .callCounts()
                .getOrDefault("DELETE /api/v1/servers/{id}/sites/{id}/security-rules/{id}", 0L))
        .isEqualTo(1L);

    String history = HistoryText.of(env, ID);
    assertThat(history)
        .contains("protect-site")
        .doesNotContain(secrets.basicAuthPassword(ID))
        .doesNotContain(SECRET_KEY);
  }

  private void awaitPhase(PreviewEnvironmentWorkflow workflow, Phase phase) {
    for (int i = 0; i < 7_200; i++) {
      Phase now = workflow.status().phase();
      if (now == phase) {
        return;
      }
      assertThat(now.isFinal()).as("phase %s: %s", now, workflow.status()).isFalse();
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("not " + phase + " after two simulated hours: " + workflow.status());
  }
}
