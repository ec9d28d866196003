package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewStatus;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The pull request's side: its head, one comment updated in place, and a GitHub deployment. */
@ActivityInterface
public interface GitHubActivities {

  /** The head branch and sha of an open pull request (a start from a {@code /preview} comment). */
  @ActivityMethod
  PullRequestHead resolvePullRequest(PullRequestRef request);

  /**
   * Creates or updates the preview's one comment (found by a hidden marker) and the GitHub
   * deployment of {@code status.headSha()} in environment {@code preview/pr-<number>}, whose state
   * follows {@code status.phase()}.
   */
  @ActivityMethod
  void publishStatus(PublishStatusRequest request);

  /**
   * The commenter's permission on the repository, asked of GitHub ({@code GET
   * /repos/{owner}/{repo}/collaborators/{login}/permission}, cached briefly): {@code admin}, {@code
   * maintain} and {@code write} may run comment commands, anything else may not.
   */
  @ActivityMethod
  CommenterPermission commenterPermission(PermissionRequest request);

  /**
   * Replies on the pull request that a comment command was refused, and why. Idempotent per {@code
   * replyId}: a retried activity never posts twice.
   */
  @ActivityMethod
  void refuseCommand(RefuseCommandRequest request);

  record PullRequestRef(String owner, String repo, int number) {}

  record PermissionRequest(String owner, String repo, String login) {}

  /**
   * @param permission GitHub's role name ({@code admin}, {@code maintain}, {@code write}, {@code
   *     triage}, {@code read}) or {@code none}
   * @param allowed whether that role may run comment commands
   */
  record CommenterPermission(String login, String permission, boolean allowed) {}

  /**
   * @param command {@code /preview}, {@code /update} or {@code /destroy}
   * @param why what the reply says after the command, e.g. "needs write access; @bob has read"
   */
  record RefuseCommandRequest(
      PullRequestRef pullRequest, String replyId, String login, String command, String why) {}

  record PullRequestHead(String branch, String headSha, String headRepository, String state) {}

  record PublishStatusRequest(PullRequestRef pullRequest, PreviewStatus status) {}
}
