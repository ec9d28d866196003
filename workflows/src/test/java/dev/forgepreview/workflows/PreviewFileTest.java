package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.PreviewSettings.PreviewFilePart;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitSiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteCommandRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The repository's preview file in the workflow: read at each deployed commit, its environment
 * written by reference, its deploy commands in the script, its setup commands once after the first
 * deployment; a malformed file fails the preview before anything exists, a fork's file is ignored.
 */
class PreviewFileTest {
  private static final String ID = "preview:acme:shop:42";
  private static final String FIRST = "aaaaaaa1";
  private static final String SECOND = "bbbbbbb2";
  private static final String PATH = ".forge-preview.yml";

  private static PreviewSettings allowingAll() {
    return TestSettings.withPreviewFile(
        TestSettings.dedicated(),
        PreviewFilePart.ENVIRONMENT,
        PreviewFilePart.SETUP,
        PreviewFilePart.DEPLOY);
  }

  private static PreviewFileContent file(
      String sha, List<String> keys, List<String> setup, List<String> deploy) {
    return new PreviewFileContent(PATH, sha, true, null, keys, setup, deploy, List.of(), List.of());
  }

  private static void answerFiles(MockedActivities activities, PreviewFileContent... files) {
    when(activities.github.readPreviewFile(any()))
        .thenAnswer(
            i -> {
              String sha = i.<ReadPreviewFileRequest>getArgument(0).sha();
              for (PreviewFileContent f : files) {
                if (f.sha().equals(sha)) {
                  return f;
                }
              }
              return new PreviewFileContent(
                  PATH, sha, false, null, List.of(), List.of(), List.of(), List.of(), List.of());
            });
    AtomicLong ids = new AtomicLong(900);
    when(activities.forge.runSiteCommand(any())).thenAnswer(i -> ids.incrementAndGet());
    when(activities.forge.awaitSiteCommand(any()))
        .thenAnswer(
            i ->
                new SiteCommandRef(
                    i.<AwaitSiteCommandRequest>getArgument(0).commandId(), "finished"));
  }

  @Test
  void theFileShapesTheFirstDeploymentAndSetupRunsOnceAfterIt() {
    try (MockedActivities activities = new MockedActivities(allowingAll())) {
      answerFiles(
          activities,
          file(
              FIRST,
              List.of("MAIL_MAILER"),
              List.of("php artisan db:seed --force", "php artisan app:demo"),
              List.of("php artisan storage:link")),
          file(SECOND, List.of("MAIL_MAILER"), List.of("php artisan db:seed --force"), List.of()));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .containsSubsequence(
              "read-preview-file",
              "create-server",
              "write-environment",
              "deploy-script",
              "deploy",
              "wait-deployment",
              "setup-commands",
              "site-health");
      ArgumentCaptor<ReadPreviewFileRequest> read =
          ArgumentCaptor.forClass(ReadPreviewFileRequest.class);
      verify(activities.github).readPreviewFile(read.capture());
      assertThat(read.getValue().sha()).isEqualTo(FIRST);
      assertThat(read.getValue().path()).isEqualTo(PATH);
      assertThat(read.getValue().allow()).containsExactly("environment", "setup", "deploy");
      ArgumentCaptor<WriteEnvironmentRequest> env =
          ArgumentCaptor.forClass(WriteEnvironmentRequest.class);
      verify(activities.forge).writeEnvironment(env.capture());
      assertThat(env.getValue().previewFile().sha()).isEqualTo(FIRST);
      assertThat(env.getValue().previewFile().keys()).containsExactly("MAIL_MAILER");
      assertThat(env.getValue().previewFile().repository()).isEqualTo("acme/shop");
      ArgumentCaptor<WriteDeploymentScriptRequest> script =
          ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
      verify(activities.forge).writeDeploymentScript(script.capture());
      assertThat(script.getValue().extraCommands()).containsExactly("php artisan storage:link");
      ArgumentCaptor<SiteCommandRequest> commands =
          ArgumentCaptor.forClass(SiteCommandRequest.class);
      InOrder order = inOrder(activities.forge);
      order.verify(activities.forge).awaitDeployment(any());
      order.verify(activities.forge, times(2)).runSiteCommand(commands.capture());
      assertThat(commands.getAllValues())
          .extracting(SiteCommandRequest::command)
          .containsExactly("php artisan db:seed --force", "php artisan app:demo");
      assertThat(commands.getAllValues())
          .extracting(SiteCommandRequest::requestId)
          .doesNotHaveDuplicates();
      verify(activities.forge, times(2)).awaitSiteCommand(any());

      // The second commit: its own file, its environment written again, setup not run again.
      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> SECOND.equals(workflow.status().deployedSha()));

      assertThat(workflow.status().steps())
          .extracting(StepRecord::name)
          .containsSubsequence("read-preview-file#2", "write-environment#2", "deploy-script#2");
      verify(activities.forge, times(2)).writeEnvironment(env.capture());
      assertThat(env.getValue().previewFile().sha()).isEqualTo(SECOND);
      verify(activities.forge, times(2)).writeDeploymentScript(script.capture());
      assertThat(script.getValue().extraCommands()).isNull();
      verify(activities.forge, times(2)).runSiteCommand(any());
    }
  }

  @Test
  void aMalformedFileFailsThePreviewWithItsLineBeforeAnythingIsCreated() {
    try (MockedActivities activities = new MockedActivities(allowingAll())) {
      when(activities.github.readPreviewFile(any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure(
                  ".forge-preview.yml line 3: environment key 'bad key' is not [A-Z_][A-Z0-9_]*",
                  FailureType.INVALID_INPUT.name()));
      activities.start(TestSettings.request(42, "feature/x", FIRST));

      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("read-preview-file");
      assertThat(result.failureReason()).contains(".forge-preview.yml line 3");
      verify(activities.forge, never()).createServer(any());
      verify(activities.forge, never()).createSite(any());
    }
  }

  @Test
  void aMalformedFileInAnUpdateFailsOnlyTheUpdateAndTouchesNothing() {
    try (MockedActivities activities = new MockedActivities(allowingAll())) {
      answerFiles(activities, file(FIRST, List.of(), List.of(), List.of()));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  ".forge-preview.yml line 7: deploy holds an empty command",
                  FailureType.INVALID_INPUT.name()))
          .when(activities.github)
          .readPreviewFile(argThat(r -> r != null && SECOND.equals(r.sha())));

      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> workflow.status().lastUpdateFailure() != null);
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.lastUpdateFailure().step()).isEqualTo("read-preview-file#2");
      assertThat(status.lastUpdateFailure().reason()).contains("line 7");
      assertThat(status.deployedSha()).isEqualTo(FIRST);
      // Nothing was touched: no second script and no redeploy of the first commit.
      verify(activities.forge, times(1)).writeDeploymentScript(any());
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  @Test
  void aForksFileIsIgnoredWithAWarning() {
    try (MockedActivities activities = new MockedActivities(allowingAll())) {
      when(activities.github.readPreviewFile(any()))
          .thenReturn(
              new PreviewFileContent(
                  PATH,
                  FIRST,
                  true,
                  "the pull request comes from a fork (mallory/shop), whose file may set nothing",
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of()));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.warnings())
          .anySatisfy(w -> assertThat(w).contains(".forge-preview.yml ignored").contains("fork"));
      assertThat(status.steps()).extracting(StepRecord::name).doesNotContain("setup-commands");
      ArgumentCaptor<WriteEnvironmentRequest> env =
          ArgumentCaptor.forClass(WriteEnvironmentRequest.class);
      verify(activities.forge).writeEnvironment(env.capture());
      assertThat(env.getValue().previewFile()).isNull();
      verify(activities.forge, never()).runSiteCommand(any());
    }
  }

  @Test
  void aFailedSetupCommandFailsThePreviewAndRollsItBack() {
    try (MockedActivities activities = new MockedActivities(allowingAll())) {
      answerFiles(activities, file(FIRST, List.of(), List.of("php artisan db:seed"), List.of()));
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "site command 901 of site 11 failed", FailureType.FAILED.name()))
          .when(activities.forge)
          .awaitSiteCommand(any());
      activities.start(TestSettings.request(42, "feature/x", FIRST));

      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("setup-commands");
      assertThat(result.failureReason()).contains("site command 901");
      verify(activities.forge).deleteSite(any());
    }
  }

  @Test
  void notAllowedPartsAreNamedInAWarning() {
    PreviewSettings settings =
        TestSettings.withPreviewFile(TestSettings.dedicated(), PreviewFilePart.DEPLOY);
    try (MockedActivities activities = new MockedActivities(settings)) {
      when(activities.github.readPreviewFile(any()))
          .thenReturn(
              new PreviewFileContent(
                  PATH,
                  FIRST,
                  true,
                  null,
                  List.of(),
                  List.of(),
                  List.of("php artisan storage:link"),
                  List.of("environment", "setup"),
                  List.of()));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      assertThat(workflow.status().warnings())
          .anySatisfy(
              w ->
                  assertThat(w)
                      .contains("holds environment, setup, which the repositories file does not"));
      verify(activities.forge, never()).runSiteCommand(any());
      // With environment not allowed an update writes no environment again.
      workflow.update(new UpdateSignal(SECOND, "feature/x", "d-2", "github"));
      awaitCondition(activities, () -> SECOND.equals(workflow.status().deployedSha()));
      assertThat(workflow.status().steps())
          .extracting(StepRecord::name)
          .contains("read-preview-file#2")
          .doesNotContain("write-environment#2");
    }
  }

  @Test
  void withoutAnAllowedPartTheFileIsNeverRead() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", FIRST));
      awaitPhase(activities, workflow, Phase.READY);

      assertThat(workflow.status().steps())
          .extracting(StepRecord::name)
          .doesNotContain("read-preview-file", "setup-commands");
      verify(activities.github, never()).readPreviewFile(any());
      assertThat(workflow.status().steps())
          .filteredOn(s -> s.name().equals("write-environment"))
          .extracting(StepRecord::state)
          .containsExactly(StepState.SUCCEEDED);
    }
  }
}
