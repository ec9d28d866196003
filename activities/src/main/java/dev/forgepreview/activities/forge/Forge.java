package dev.forgepreview.activities.forge;

import java.util.List;

/**
 * The Forge v1 resources and request bodies the client reads and writes (README, The pipeline;
 * docs/forge-api.md). JSON names are the snake_case forms of the component names; unknown fields
 * are ignored and absent ones are null (or false, 0).
 */
public final class Forge {
  private Forge() {}

  /** Something with a Forge id. */
  interface Identified {
    long id();
  }

  // ---- resources

  /** A server; {@code isReady} turns true when provisioning is done, {@code ipAddress} too. */
  public record Server(
      long id,
      String name,
      String type,
      String provider,
      String size,
      String region,
      String phpVersion,
      String ipAddress,
      String privateIpAddress,
      boolean isReady,
      boolean revoked,
      String createdAt)
      implements Identified {}

  /**
   * A site; {@code name} is its domain. {@code status} {@code installing → installed} ({@code
   * removing} after a delete); {@code repositoryStatus} null → {@code installing → installed};
   * {@code deploymentStatus} null when idle, else {@code queued}/{@code deploying}.
   */
  public record Site(
      long id,
      long serverId,
      String name,
      List<String> aliases,
      String directory,
      boolean isolated,
      String username,
      String status,
      String repository,
      String repositoryProvider,
      String repositoryBranch,
      String repositoryStatus,
      boolean quickDeploy,
      String deploymentStatus,
      String projectType,
      String phpVersion,
      boolean isSecured,
      String createdAt)
      implements Identified {}

  public record Database(long id, String name, String status, String createdAt)
      implements Identified {}

  /** {@code databases} holds the ids of the databases the user may use. */
  public record DatabaseUser(
      long id, String name, List<Long> databases, String status, String createdAt)
      implements Identified {}

  public record Worker(
      long id,
      String connection,
      String command,
      String queue,
      Integer timeout,
      Integer sleep,
      Integer tries,
      Integer processes,
      String phpVersion,
      boolean daemon,
      String status,
      String createdAt)
      implements Identified {}

  /**
   * A certificate. Let's Encrypt: {@code status} {@code installing → installed}, {@code
   * activationStatus} null → {@code activating → activated} with {@code active} true; a failed
   * request vanishes (404).
   */
  public record Certificate(
      long id,
      String domain,
      String type,
      String requestStatus,
      String status,
      boolean active,
      String activationStatus,
      String createdAt)
      implements Identified {}

  /**
   * A site security rule (HTTP basic auth in front of {@code path}, null: the whole site). Answers
   * carry the credentials' usernames, never their passwords; {@code status} {@code installing →
   * installed} (the SDK waits for {@code installed}).
   */
  public record SecurityRule(long id, String name, String path, String status, String createdAt)
      implements Identified {}

  /**
   * A command run in the site's directory ({@code POST …/sites/{site}/commands}); {@code status}
   * {@code waiting → running → finished | failed}.
   */
  public record SiteCommand(
      long id, Long serverId, Long siteId, String command, String status, String createdAt)
      implements Identified {}

  /** {@code GET …/commands/{id}}: the command and its output so far (null when none is sent). */
  public record SiteCommandOutput(SiteCommand command, String output) {}

  public record NewSiteCommand(String command) {}

  /** A deployment history entry; {@code status} {@code deploying → finished | failed}. */
  public record Deployment(
      long id,
      Long serverId,
      Long siteId,
      String commitHash,
      String commitAuthor,
      String commitMessage,
      String startedAt,
      String endedAt,
      String status,
      String displayableType)
      implements Identified {}

  // ---- request bodies (null fields are left out)

  public record NewServer(
      String provider,
      Long credentialId,
      String name,
      String type,
      String size,
      String region,
      String phpVersion,
      String databaseType) {}

  public record NewSite(
      String domain,
      String projectType,
      String directory,
      Boolean isolated,
      String username,
      String phpVersion) {}

  public record NewDatabase(String name) {}

  /** {@link #toString()} masks the password. */
  public record NewDatabaseUser(String name, String password, List<Long> databases) {
    public NewDatabaseUser {
      databases = databases == null ? List.of() : List.copyOf(databases);
    }

    @Override
    public String toString() {
      return "NewDatabaseUser[name=" + name + ", password=***, databases=" + databases + "]";
    }
  }

  /**
   * {@code POST …/certificates}; with {@code type: existing} the PEM {@code key} and {@code
   * certificate}. {@link #toString()} shows neither.
   */
  public record NewCertificate(String type, String key, String certificate) {
    @Override
    public String toString() {
      return "NewCertificate[type=" + type + ", key=***, certificate=***]";
    }
  }

  /** {@link #toString()} masks the passwords. */
  public record NewSecurityRule(String name, String path, List<Credential> credentials) {
    public NewSecurityRule {
      credentials = List.copyOf(credentials);
    }

    @Override
    public String toString() {
      return "NewSecurityRule[name="
          + name
          + ", path="
          + path
          + ", credentials="
          + credentials
          + "]";
    }
  }

  /** One user of a security rule; {@link #toString()} masks the password. */
  public record Credential(String username, String password) {
    @Override
    public String toString() {
      return "Credential[username=" + username + ", password=***]";
    }
  }

  public record GitRepository(
      String provider, String repository, String branch, Boolean composer) {}

  public record NewWorker(
      String connection,
      String queue,
      Integer timeout,
      Integer sleep,
      Integer tries,
      Integer processes,
      Boolean daemon,
      String phpVersion) {}
}
