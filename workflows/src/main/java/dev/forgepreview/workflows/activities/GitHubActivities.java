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

  record PullRequestRef(String owner, String repo, int number) {}

  record PullRequestHead(String branch, String headSha, String headRepository, String state) {}

  record PublishStatusRequest(PullRequestRef pullRequest, PreviewStatus status) {}
}
