package dev.forgepreview.worker;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.CloneSettings;
import dev.forgepreview.activities.ssh.DatabaseCloneActivitiesImpl;
import dev.forgepreview.activities.ssh.DbCredentials;
import dev.forgepreview.activities.ssh.MasterCredentials;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.settings.Env;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the SSH activities from {@code SSH_*} and {@code MASTER_DB_*}. Without an SSH key the
 * worker still answers both activities, with a clear non-retryable failure that the workflow
 * records as a warning (the clone is not critical) instead of leaving the task to time out.
 */
final class DatabaseCloneWiring {
  private static final Logger log = LoggerFactory.getLogger(DatabaseCloneWiring.class);

  private DatabaseCloneWiring() {}

  static DatabaseCloneActivities fromEnvironment(Env env, PreviewSecrets secrets) {
    boolean keyConfigured =
        env.get("SSH_PRIVATE_KEY").isPresent() || env.get("SSH_PRIVATE_KEY_FILE").isPresent();
    if (!keyConfigured) {
      log.warn(
          "SSH_PRIVATE_KEY_FILE is not set: database clones and Redis flushes will be skipped with a"
              + " warning on each preview");
      return new NotConfigured();
    }
    SshSettings ssh = SshSettings.fromEnvironment(env.asMap());
    CloneSettings clone =
        CloneSettings.defaults()
            .withCommands(
                env.get("CLONE_DUMP_COMMAND", "mysqldump"),
                env.get("CLONE_CLIENT_COMMAND", "mysql"),
                env.get("CLONE_REDIS_CLI_COMMAND", "redis-cli"))
            .withPreviewSsh(
                env.get("SSH_PREVIEW_USER", "forge"), env.integer("SSH_PREVIEW_PORT", 22));
    MasterCredentials master =
        MasterCredentials.of(
            new DbCredentials(
                env.get("MASTER_DB_USER", "forge"), env.secret("MASTER_DB_PASSWORD").orElse("")));
    return new DatabaseCloneActivitiesImpl(ssh, clone, secrets, master);
  }

  /** Answers when no SSH key is configured. */
  static final class NotConfigured implements DatabaseCloneActivities {
    private static final String WHY =
        "SSH is not configured on this worker (SSH_PRIVATE_KEY_FILE and SSH_KNOWN_HOSTS_FILE)";

    @Override
    public CloneResult cloneDatabase(CloneDatabaseRequest request) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, WHY);
    }

    @Override
    public SnapshotResult refreshSnapshot(RefreshSnapshotRequest request) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, WHY);
    }

    @Override
    public void flushRedis(FlushRedisRequest request) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, WHY);
    }
  }
}
