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

  /**
   * The repository's preview file at exactly {@code request.sha()} ({@code GET
   * /repos/{owner}/{repo}/contents/{path}?ref={sha}}), validated, with only the parts {@code
   * request.allow()} names. A missing file is no error ({@code present} false). A pull request from
   * a fork gets nothing from its file ({@code ignoredReason} says why). A malformed file fails
   * non-retryable {@code INVALID_INPUT} naming the file and the line. Environment values are not
   * returned (only their keys): the activity writing the environment reads them again at the same
   * sha.
   */
  @ActivityMethod
  PreviewFileContent readPreviewFile(ReadPreviewFileRequest request);

  /**
   * @param path the file's path in the repository
   * @param allow the parts to apply: {@code environment}, {@code setup}, {@code deploy}, {@code
   *     services}
   */
  record ReadPreviewFileRequest(
      String requestId,
      PullRequestRef pullRequest,
      String sha,
      String path,
      java.util.List<String> allow) {}

  /**
   * What a preview file asks for, as workflow history may hold it: environment keys without their
   * values, and commands (which are code of the repository at that commit, not secrets).
   *
   * @param present whether the file exists at the sha
   * @param ignoredReason why nothing of an existing file is applied (a fork), else null
   * @param environmentKeys keys of {@code environment:} (allowed ones only)
   * @param setup {@code setup:} commands (empty unless allowed)
   * @param deploy {@code deploy:} commands (empty unless allowed)
   * @param notAllowed parts the file holds that the repositories file does not allow (ignored)
   * @param services the names of its {@code services:} (empty unless allowed; null in runs recorded
   *     before them); their definitions are read again by the compose activity
   */
  record PreviewFileContent(
      String path,
      String sha,
      boolean present,
      String ignoredReason,
      java.util.List<String> environmentKeys,
      java.util.List<String> setup,
      java.util.List<String> deploy,
      java.util.List<String> notAllowed,
      java.util.List<String> services) {

    /** Whether the file sets environment variables. */
    public boolean hasEnvironment() {
      return environmentKeys != null && !environmentKeys.isEmpty();
    }
  }

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
