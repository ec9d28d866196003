package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.PreviewSettings.PreviewFilePart;
import dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mockito.ArgumentCaptor;

/**
 * The compose backend with the preview file's {@code services:}: the file is read at each deployed
 * commit before the checkout, only the services' names reach the activity writing the compose file
 * (it reads their definitions again at that commit), a malformed file fails before anything exists.
 */
class ComposeServicesTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String SHA = "1111111111111111111111111111111111111111";
  private static final String NEW_SHA = "2222222222222222222222222222222222222222";
  private static final String PATH = ".forge-preview.yml";

  private static PreviewSettings settings() {
    return TestSettings.withPreviewFile(TestSettings.compose(), PreviewFilePart.SERVICES);
  }

  private static PreviewFileContent file(String sha, String ignored, List<String> services) {
    return new PreviewFileContent(
        PATH, sha, true, ignored, List.of(), List.of(), List.of(), List.of(), services);
  }

  @Test
  void eachDeployedCommitsServicesReachTheComposeFileByNameOnly() {
    try (MockedActivities activities = new MockedActivities(settings())) {
      when(activities.github.readPreviewFile(any()))
          .thenAnswer(
              i -> {
                String sha = i.<ReadPreviewFileRequest>getArgument(0).sha();
                return file(
                    sha, null, SHA.equals(sha) ? List.of("worker") : List.of("worker", "cache"));
              });
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      assertThat(workflow.status().steps())
          .extracting(StepRecord::name)
          .containsExactly(
              "load-settings",
              "admission",
              "read-preview-file",
              "checkout-source",
              "write-compose-file",
              "compose-up",
              "app-health",
              "publish-nginx-site");
      ArgumentCaptor<ReadPreviewFileRequest> read =
          ArgumentCaptor.forClass(ReadPreviewFileRequest.class);
      verify(activities.github).readPreviewFile(read.capture());
      assertThat(read.getValue().allow()).containsExactly("services");
      assertThat(read.getValue().path()).isEqualTo(PATH);

      workflow.update(new UpdateSignal(NEW_SHA, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> NEW_SHA.equals(workflow.status().deployedSha()));

      ArgumentCaptor<RenderComposeRequest> render =
          ArgumentCaptor.forClass(RenderComposeRequest.class);
      verify(activities.compose, times(2)).renderComposeFile(render.capture());
      assertThat(render.getAllValues())
          .extracting(RenderComposeRequest::services)
          .containsExactly(
              new PreviewServices("acme/shop", SHA, PATH, List.of("worker")),
              new PreviewServices("acme/shop", NEW_SHA, PATH, List.of("worker", "cache")));
      assertThat(workflow.status().steps())
          .extracting(StepRecord::name)
          .contains("read-preview-file#2", "checkout-source#2", "write-compose-file#2");
      assertThat(workflow.status().warnings()).isEmpty();
    }
  }

  @Test
  void aForksFileAddsNoServiceAndSaysWhy() {
    try (MockedActivities activities = new MockedActivities(settings())) {
      when(activities.github.readPreviewFile(any()))
          .thenReturn(
              file(
                  SHA,
                  "the pull request comes from a fork (mallory/shop), whose file may set nothing",
                  List.of()));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<RenderComposeRequest> render =
          ArgumentCaptor.forClass(RenderComposeRequest.class);
      verify(activities.compose).renderComposeFile(render.capture());
      assertThat(render.getValue().services()).isNull();
      assertThat(workflow.status().warnings())
          .anySatisfy(w -> assertThat(w).contains("read-preview-file").contains("fork"));
    }
  }

  @Test
  void aMalformedFileFailsThePreviewWithItsLineBeforeAnythingExists() {
    try (MockedActivities activities = new MockedActivities(settings())) {
      when(activities.github.readPreviewFile(any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure(
                  ".forge-preview.yml line 4: services.worker has 'privileged', which is not"
                      + " allowed: build, image, command, environment",
                  FailureType.INVALID_INPUT.name()));
      activities.start(TestSettings.request(42, "feature/x", SHA));

      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("read-preview-file");
      assertThat(result.failureReason()).contains(".forge-preview.yml line 4");
      verify(activities.compose, never()).checkoutSource(any());
      verify(activities.compose, never()).composeUp(any());
    }
  }

  @Test
  void aRepositoryWithoutServicesAllowedNeverReadsTheFile() {
    try (MockedActivities activities = new MockedActivities(TestSettings.compose())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);
      verify(activities.github, never()).readPreviewFile(any());
      ArgumentCaptor<RenderComposeRequest> render =
          ArgumentCaptor.forClass(RenderComposeRequest.class);
      verify(activities.compose).renderComposeFile(render.capture());
      assertThat(render.getValue().services()).isNull();
    }
  }

  /** Records, for ReplayTest, a compose preview with services: ready, updated, destroyed. */
  @Test
  @EnabledIfSystemProperty(named = "recordComposeServices", matches = "true")
  void recordComposeServicesHistory() throws IOException {
    try (MockedActivities activities = new MockedActivities(settings())) {
      when(activities.github.readPreviewFile(any()))
          .thenAnswer(
              i -> {
                String sha = i.<ReadPreviewFileRequest>getArgument(0).sha();
                return file(
                    sha, null, SHA.equals(sha) ? List.of("worker") : List.of("worker", "cache"));
              });
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", SHA));
      awaitPhase(activities, workflow, Phase.READY);
      workflow.update(new UpdateSignal(NEW_SHA, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> NEW_SHA.equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result(ID);
      WorkflowExecutionHistory history =
          activities.env.getWorkflowExecutionHistory(
              WorkflowExecution.newBuilder().setWorkflowId(ID).build());
      Files.writeString(
          Path.of("src/test/resources").resolve(ReplayTest.COMPOSE_SERVICES), history.toJson(true));
    }
  }
}
