package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ContinueAsNewTest {
  private static final String ID = "preview:acme:shop:42";

  @Test
  void continuesAsNewAfterManyUpdatesKeepingStateSignalsAndTtl() {
    try (MockedActivities activities =
        new MockedActivities(TestSettings.settings(Mode.DEDICATED, null, 2))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      String firstRun = runId(activities);
      String expiry = workflow.status().expiresAt();

      workflow.update(new UpdateSignal("sha-2", "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> !runId(activities).equals(firstRun));
      // Sent right around the continue-as-new: must not be lost.
      workflow.update(new UpdateSignal("sha-3", "feature/x", "d-3", "github"));
      awaitCondition(activities, () -> "sha-3".equals(workflow.status().deployedSha()));

      PreviewStatus status = workflow.status();
      assertThat(status.phase()).isEqualTo(Phase.READY);
      assertThat(status.deployments()).isEqualTo(3);
      assertThat(status.expiresAt()).isEqualTo(expiry);
      assertThat(status.resources().serverId()).isEqualTo(7L);
      assertThat(status.steps()).extracting(StepRecord::name).contains("create-server", "deploy#3");
      // A repeated delivery from before the continue-as-new is still recognised.
      workflow.update(new UpdateSignal("sha-9", "feature/x", "d-2", "github"));
      activities.env.sleep(Duration.ofMinutes(1));
      verify(activities.forge, times(3)).deploySite(any());

      // The settings were answered with a value (an older worker): the next run gets keys only.
      assertThat(decodedHistoryOfTheCurrentRun(activities))
          .contains("MAIL_MAILER")
          .doesNotContain(TestSettings.PLANTED_VALUE);

      activities.env.sleep(Duration.ofDays(8));
      PreviewStatus result = activities.result(ID);
      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      verify(activities.forge).deleteServer(any());
    }
  }

  /**
   * What a run hands on stays bounded however long the preview lives: the provisioning steps and
   * the newest updates, the newest warnings.
   */
  @Test
  void aLongLivedPreviewCarriesItsFirstAndNewestStepsAndItsNewestWarnings() {
    try (MockedActivities activities =
        new MockedActivities(TestSettings.settings(Mode.DEDICATED, null, 9))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);
      String firstRun = runId(activities);
      for (int i = 1; i <= 31; i++) {
        workflow.extend(new ExtendSignal("bad-" + i));
      }

      for (int n = 2; n <= 9; n++) {
        String sha = "sha-" + n;
        workflow.update(new UpdateSignal(sha, "feature/x", "d-" + n, "github"));
        awaitCondition(activities, () -> sha.equals(workflow.status().deployedSha()));
      }
      awaitCondition(activities, () -> !runId(activities).equals(firstRun));

      PreviewStatus status = workflow.status();
      // 18 provisioning steps and 8 updates of 3 steps: 42, of which the first and last 20 stay.
      assertThat(status.steps()).hasSize(40);
      assertThat(status.steps().subList(0, 18))
          .extracting(StepRecord::name)
          .startsWith("load-settings", "admission", "create-server")
          .endsWith("site-health", "connectivity");
      assertThat(status.steps().get(19).name()).isEqualTo("deploy#2");
      assertThat(status.steps().get(20).name()).isEqualTo("deploy#3");
      assertThat(status.steps().get(39).name()).isEqualTo("wait-deployment#9");
      assertThat(status.warnings()).hasSize(30);
      assertThat(status.warnings().get(0)).contains("'bad-2'");
      assertThat(status.warnings().get(29)).contains("'bad-31'");
      assertThat(status.deployments()).isEqualTo(9);
    }
  }

  private static String decodedHistoryOfTheCurrentRun(MockedActivities activities) {
    String json = activities.env.getWorkflowClient().fetchHistory(ID).toJson(false);
    StringBuilder text = new StringBuilder(json);
    Matcher data = Pattern.compile("\"data\": ?\"([A-Za-z0-9+/=]*)\"").matcher(json);
    while (data.find()) {
      text.append('\n')
          .append(new String(Base64.getDecoder().decode(data.group(1)), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  private static String runId(MockedActivities activities) {
    return activities
        .env
        .getWorkflowClient()
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(ID).build())
                .build())
        .getWorkflowExecutionInfo()
        .getExecution()
        .getRunId();
  }
}
