package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The workflow's input. {@code branch} and {@code headSha} may be null when a start comes from a
 * {@code /preview} comment: the workflow then looks the pull request up itself. {@code carried} is
 * null on a first start and holds the state across continue-as-new.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreviewRequest(
    String owner,
    String repo,
    int number,
    String branch,
    String headSha,
    String requestedBy,
    CarriedState carried) {

  public PreviewRequest withCarried(CarriedState state) {
    return new PreviewRequest(owner, repo, number, branch, headSha, requestedBy, state);
  }

  public String workflowId() {
    return PreviewIds.workflowId(owner, repo, number);
  }
}
