package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The workflow's input. {@code branch} and {@code headSha} may be null when a start comes from a
 * {@code /preview} comment: the workflow then looks the pull request up itself. {@code carried} is
 * null on a first start and holds the state across continue-as-new. {@code fromComment} is true for
 * a {@code /preview}: the workflow asks GitHub for {@code requestedBy}'s permission first.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreviewRequest(
    String owner,
    String repo,
    int number,
    String branch,
    String headSha,
    String requestedBy,
    CarriedState carried,
    Boolean fromComment) {

  public PreviewRequest(
      String owner,
      String repo,
      int number,
      String branch,
      String headSha,
      String requestedBy,
      CarriedState carried) {
    this(owner, repo, number, branch, headSha, requestedBy, carried, null);
  }

  public PreviewRequest withCarried(CarriedState state) {
    return new PreviewRequest(
        owner, repo, number, branch, headSha, requestedBy, state, fromComment);
  }

  /** Whether {@code /preview} asked for it (the commenter's permission is checked). */
  public boolean viaComment() {
    return Boolean.TRUE.equals(fromComment);
  }

  public String workflowId() {
    return PreviewIds.workflowId(owner, repo, number);
  }
}
