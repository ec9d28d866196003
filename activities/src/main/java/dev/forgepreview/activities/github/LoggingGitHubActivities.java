package dev.forgepreview.activities.github;

import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.activities.GitHubActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode without GitHub credentials: writes to the log what {@link GitHubActivitiesImpl} would
 * post, and calls nothing. The worker chooses it when no credentials are configured; it is not a
 * test double.
 */
public final class LoggingGitHubActivities implements GitHubActivities {
  private static final Logger log = LoggerFactory.getLogger(LoggingGitHubActivities.class);

  @Override
  public PullRequestHead resolvePullRequest(PullRequestRef request) {
    throw ActivityFailures.of(
        FailureType.NOT_FOUND,
        "[dev mode, GitHub not configured] cannot resolve a pull request's head; send the"
            + " update signal with headSha and branch instead");
  }

  /** Without GitHub no file can be read: the preview goes on as if the repository had none. */
  @Override
  public PreviewFileContent readPreviewFile(ReadPreviewFileRequest request) {
    log.warn(
        "[dev mode, GitHub not configured] cannot read {}: treated as absent",
        request == null ? null : request.path());
    return new PreviewFileContent(
        request == null ? null : request.path(),
        request == null ? null : request.sha(),
        false,
        null,
        java.util.List.of(),
        java.util.List.of(),
        java.util.List.of(),
        java.util.List.of(),
        java.util.List.of());
  }

  /** Without GitHub nobody's permission can be asked: dev mode lets every command through. */
  @Override
  public CommenterPermission commenterPermission(PermissionRequest request) {
    String login = request == null ? null : request.login();
    log.warn("[dev mode, GitHub not configured] cannot check the permission of {}: allowed", login);
    return new CommenterPermission(login, "unknown", true);
  }

  @Override
  public void refuseCommand(RefuseCommandRequest request) {
    log.info(
        "[dev mode, GitHub not configured] would reply that {} by {} was refused: {}",
        request == null ? null : request.command(),
        request == null ? null : request.login(),
        request == null ? null : request.why());
  }

  @Override
  public void publishStatus(PublishStatusRequest request) {
    if (request == null || request.pullRequest() == null || request.status() == null) {
      log.warn("[dev mode, GitHub not configured] publishStatus without a pull request or status");
      return;
    }
    PullRequestRef ref = request.pullRequest();
    String previewId;
    try {
      previewId = PreviewIds.workflowId(ref.owner(), ref.repo(), ref.number());
    } catch (IllegalArgumentException e) {
      previewId = String.valueOf(request.status().previewId());
    }
    String state =
        request.status().phase() == null
            ? "unknown"
            : GitHubActivitiesImpl.deploymentState(request.status().phase());
    log.info(
        "[dev mode, GitHub not configured] would set deployment of {} in {} to {} and post on"
            + " {}/{}#{}:\n{}",
        request.status().headSha(),
        GitHubActivitiesImpl.environment(ref.number()),
        state,
        ref.owner(),
        ref.repo(),
        ref.number(),
        CommentRenderer.render(previewId, request.status()));
  }
}
