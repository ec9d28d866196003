package dev.forgepreview.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The parts of a GitHub webhook payload ({@code pull_request}, {@code issue_comment}, {@code ping})
 * that the gateway reads. Everything is optional and unknown fields are ignored; the router decides
 * what a missing field means.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record GitHubEvent(
    String action,
    Integer number,
    PullRequest pullRequest,
    Issue issue,
    Comment comment,
    Repository repository,
    Account sender,
    String zen,
    Label label) {

  /** The label a {@code labeled} or {@code unlabeled} delivery is about. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Label(String name) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record PullRequest(
      Integer number, String state, Boolean draft, Boolean merged, Branch head, Branch base) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Branch(String ref, String sha, Repository repo) {}

  /**
   * {@code pullRequest} is present only when the issue is a pull request; {@code state} is {@code
   * open} or {@code closed}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Issue(Integer number, String state, IssuePullRequest pullRequest) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record IssuePullRequest(String url, String htmlUrl) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Comment(String body, String authorAssociation, Account user) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Repository(String name, String fullName, Account owner) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Account(String login) {}
}
