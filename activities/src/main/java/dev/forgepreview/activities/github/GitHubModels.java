package dev.forgepreview.activities.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The parts of GitHub's REST answers and requests we use. Property names are mapped snake_case
 * ({@code fullName} ↔ {@code full_name}); unknown fields are ignored; fields may be null and are
 * checked where they are required.
 */
public final class GitHubModels {
  private GitHubModels() {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PullRequest(Integer number, String state, Branch head) {}

  /**
   * {@code GET /repos/{owner}/{repo}/contents/{path}}: for a file {@code type} is {@code file},
   * {@code encoding} {@code base64} and {@code content} the bytes in base64 with line breaks; a
   * file over 1 MB comes with {@code encoding} {@code none} and no content.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContentFile(String type, String encoding, String content, Long size) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Branch(String ref, String sha, Repository repo) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Repository(String fullName) {}

  /** {@code user} wrote it; {@code performedViaGithubApp} is set when an App did. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IssueComment(
      Long id, String body, String htmlUrl, Account user, App performedViaGithubApp) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Account(String login) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record App(Long id, String slug) {}

  /**
   * {@code GET /repos/{owner}/{repo}/collaborators/{user}/permission}: {@code permission} is the
   * legacy level ({@code admin}, {@code write}, {@code read}, {@code none}), {@code roleName} the
   * role ({@code admin}, {@code maintain}, {@code write}, {@code triage}, {@code read}, or a custom
   * one).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CollaboratorPermission(String permission, String roleName) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Deployment(Long id, String sha, String environment) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeploymentStatus(Long id, String state, String environmentUrl) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Installation(Long id) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record InstallationToken(String token, String expiresAt) {
    @Override
    public String toString() {
      return "InstallationToken[token=***, expiresAt=" + expiresAt + "]";
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ErrorBody(String message) {}

  public record NewComment(String body) {}

  public record NewDeployment(
      String ref,
      String environment,
      String description,
      boolean autoMerge,
      List<String> requiredContexts,
      boolean transientEnvironment,
      boolean productionEnvironment) {

    /** A preview deployment of {@code sha}: no merge, no required checks, transient. */
    public static NewDeployment preview(String sha, String environment, String description) {
      return new NewDeployment(sha, environment, description, false, List.of(), true, false);
    }
  }

  /**
   * @param state {@code in_progress}, {@code success}, {@code failure}, {@code inactive}, ...
   * @param environmentUrl shown as "View deployment" on the pull request; null to omit
   * @param description at most 140 characters (GitHub's limit)
   * @param logUrl where the deployment's output is shown (the preview's comment); null to omit
   */
  public record NewDeploymentStatus(
      String state, String environmentUrl, String description, String logUrl) {}

  /** A repository webhook ({@code GET /repos/{owner}/{repo}/hooks}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Hook(
      Long id, String name, Boolean active, List<String> events, HookConfig config) {}

  /**
   * A webhook's configuration. GitHub never returns the secret, only {@code "********"} when one is
   * set.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HookConfig(String url, String contentType, String secret, String insecureSsl) {
    @Override
    public String toString() {
      return "HookConfig[url=" + url + ", contentType=" + contentType + ", secret=***]";
    }
  }

  /** The body of {@code POST} and {@code PATCH} of a repository webhook. */
  public record HookRequest(String name, Boolean active, List<String> events, HookConfig config) {}

  /**
   * One delivery of a webhook ({@code GET .../hooks/{id}/deliveries}, {@code
   * /app/hook/deliveries}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HookDelivery(
      Long id,
      String guid,
      String deliveredAt,
      Boolean redelivery,
      String status,
      Integer statusCode,
      String event,
      String action) {}

  /** Who a token belongs to, and its classic scopes ({@code null} for fine-grained tokens). */
  public record TokenInfo(String login, List<String> scopes) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record User(String login) {}
}
