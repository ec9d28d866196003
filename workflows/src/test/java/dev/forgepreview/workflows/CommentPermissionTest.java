package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.activities.GitHubActivities.CommenterPermission;
import dev.forgepreview.workflows.activities.GitHubActivities.PermissionRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.RefuseCommandRequest;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Comment commands run only for commenters GitHub says may write to the repository. */
class CommentPermissionTest {
  private static final String ID = "preview:acme:shop:42";

  private static void permission(MockedActivities activities, String login, String role) {
    when(activities.github.commenterPermission(new PermissionRequest("acme", "shop", login)))
        .thenReturn(
            new CommenterPermission(
                login,
                role,
                role.equals("write") || role.equals("admin") || role.equals("maintain")));
  }

  private static long refusals(MockedActivities activities) {
    return mockingDetails(activities.github).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("refuseCommand"))
        .count();
  }

  private static RefuseCommandRequest onlyRefusal(MockedActivities activities) {
    ArgumentCaptor<RefuseCommandRequest> reply =
        ArgumentCaptor.forClass(RefuseCommandRequest.class);
    verify(activities.github).refuseCommand(reply.capture());
    return reply.getValue();
  }

  @Test
  void anUpdateCommentFromAReaderDoesNothingButReply() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      permission(activities, "mallory", "read");
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal("sha-2", "feature/x", "c-1", "mallory", null, true));
      awaitCondition(activities, () -> refusals(activities) == 1);

      RefuseCommandRequest reply = onlyRefusal(activities);
      assertThat(reply.login()).isEqualTo("mallory");
      assertThat(reply.command()).isEqualTo("/update");
      assertThat(reply.replyId()).isEqualTo("c-1");
      assertThat(reply.why()).contains("needs write access").contains("has read");
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      assertThat(workflow.status().headSha()).isEqualTo("sha-1");
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  @Test
  void aDestroyCommentFromATriagerDoesNothingButReply() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      permission(activities, "trudy", "triage");
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("/destroy by trudy", "trudy", true));
      awaitCondition(activities, () -> refusals(activities) == 1);

      assertThat(onlyRefusal(activities).command()).isEqualTo("/destroy");
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
      verify(activities.forge, never()).deleteSite(any());
    }
  }

  @Test
  void aPreviewCommentFromAReaderCreatesNothingAndIsAnsweredOnce() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      permission(activities, "mallory", "read");
      PreviewRequest request =
          new PreviewRequest("acme", "shop", 42, null, null, "mallory", null, true);

      activities.signalWithStart(
          request, new UpdateSignal(null, null, "c-preview", "mallory", true, true));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("check-permission");
      assertThat(onlyRefusal(activities).command()).isEqualTo("/preview");
      verify(activities.github, times(1)).commenterPermission(any());
      verify(activities.settings, never()).settingsFor(any());
      verify(activities.forge, never()).createSite(any());
      verify(activities.github, never()).publishStatus(any());
    }
  }

  @Test
  void commandsFromWritersMaintainersAndAdminsRun() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      permission(activities, "wendy", "write");
      permission(activities, "max", "maintain");
      permission(activities, "ada", "admin");
      PreviewRequest request =
          new PreviewRequest("acme", "shop", 42, "feature/x", "sha-1", "wendy", null, true);
      PreviewEnvironmentWorkflow workflow =
          activities.signalWithStart(
              request, new UpdateSignal("sha-1", "feature/x", "c-1", "wendy", true, true));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal("sha-2", "feature/x", "c-2", "max", null, true));
      awaitCondition(activities, () -> "sha-2".equals(workflow.status().deployedSha()));
      workflow.destroy(new DestroySignal("/destroy by ada", "ada", true));

      assertThat(activities.result(ID).phase()).isEqualTo(Phase.DESTROYED);
      verify(activities.github, never()).refuseCommand(any());
    }
  }

  @Test
  void aCommandThatCannotBeCheckedIsNotRun() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "GET /repos/acme/shop/collaborators/bob/permission answered 401",
                  FailureType.AUTHENTICATION.name()))
          .when(activities.github)
          .commenterPermission(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("/destroy by bob", "bob", true));
      awaitCondition(activities, () -> refusals(activities) == 1);

      assertThat(onlyRefusal(activities).why()).contains("could not be checked");
      assertThat(workflow.status().phase()).isEqualTo(Phase.READY);
    }
  }

  @Test
  void aCommentWithoutAnAuthorIsRefusedWithoutAskingGitHub() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal("sha-2", "feature/x", "c-1", " ", null, true));
      awaitCondition(activities, () -> refusals(activities) == 1);

      assertThat(onlyRefusal(activities).why())
          .isEqualTo("cannot be checked: the comment names no author");
      verify(activities.github, never()).commenterPermission(any());
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  /** GitHub is asked once a minute per commenter, not once per comment. */
  @Test
  void oneAnswerFromGitHubServesTheCommentsOfAMinute() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      when(activities.github.commenterPermission(new PermissionRequest("acme", "shop", "mallory")))
          .thenReturn(new CommenterPermission("mallory", null, false));
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal(null, null, "c-1", "mallory", null, true));
      workflow.update(new UpdateSignal(null, null, "c-2", "mallory", null, true));
      awaitCondition(activities, () -> refusals(activities) == 2);
      verify(activities.github, times(1)).commenterPermission(any());

      activities.env.sleep(java.time.Duration.ofMinutes(2));
      workflow.update(new UpdateSignal(null, null, "c-3", "mallory", null, true));
      awaitCondition(activities, () -> refusals(activities) == 3);

      verify(activities.github, times(2)).commenterPermission(any());
      ArgumentCaptor<RefuseCommandRequest> replies =
          ArgumentCaptor.forClass(RefuseCommandRequest.class);
      verify(activities.github, times(3)).refuseCommand(replies.capture());
      assertThat(replies.getAllValues())
          .extracting(RefuseCommandRequest::why)
          .containsOnly("needs write access to the repository; @mallory has none");
      verify(activities.forge, times(1)).deploySite(any());
    }
  }

  /** A failed check is not remembered: the next command asks GitHub again. */
  @Test
  void aCheckThatFailedIsAskedAgainByTheNextComment() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "answered 401", FailureType.AUTHENTICATION.name()))
          .doReturn(new CommenterPermission("wendy", "write", true))
          .when(activities.github)
          .commenterPermission(any());
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal("sha-2", "feature/x", "c-1", "wendy", null, true));
      awaitCondition(activities, () -> refusals(activities) == 1);
      workflow.update(new UpdateSignal("sha-3", "feature/x", "c-2", "wendy", null, true));
      awaitCondition(activities, () -> "sha-3".equals(workflow.status().deployedSha()));

      verify(activities.github, times(2)).commenterPermission(any());
      assertThat(onlyRefusal(activities).why()).contains("could not be checked with GitHub");
    }
  }
}
