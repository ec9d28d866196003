package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-repository settings, resolved once by {@code SettingsActivities} when a preview starts and
 * carried in the workflow's state. Holds no secret and no configured value: passwords are derived
 * inside activities, and {@code environment} carries only keys ({@link
 * #withEnvironmentKeysOnly()}): the worker looks the values up, and resolves {@code ${env:NAME}},
 * when the file is written. {@code deployScript} is the site's deployment script template (null:
 * the built-in default, which checks out exactly the approved sha); the Forge activity renders it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreviewSettings(
    String repository,
    Mode mode,
    Long sharedServerId,
    ServerSpec server,
    String domain,
    String project,
    String siteTemplate,
    String databaseTemplate,
    String phpVersion,
    String repositoryProvider,
    boolean composer,
    MasterDatabase masterDatabase,
    Map<String, String> environment,
    QueueWorker queueWorker,
    boolean certificate,
    String ttl,
    Trigger trigger,
    int maxConcurrentPreviews,
    int redisDatabases,
    int continueAsNewAfterDeployments,
    Timeouts timeouts,
    String deployScript,
    Snapshot snapshot) {

  /** Settings without {@code snapshot:} (the built-in snapshot defaults apply). */
  public PreviewSettings(
      String repository,
      Mode mode,
      Long sharedServerId,
      ServerSpec server,
      String domain,
      String project,
      String siteTemplate,
      String databaseTemplate,
      String phpVersion,
      String repositoryProvider,
      boolean composer,
      MasterDatabase masterDatabase,
      Map<String, String> environment,
      QueueWorker queueWorker,
      boolean certificate,
      String ttl,
      Trigger trigger,
      int maxConcurrentPreviews,
      int redisDatabases,
      int continueAsNewAfterDeployments,
      Timeouts timeouts,
      String deployScript) {
    this(
        repository,
        mode,
        sharedServerId,
        server,
        domain,
        project,
        siteTemplate,
        databaseTemplate,
        phpVersion,
        repositoryProvider,
        composer,
        masterDatabase,
        environment,
        queueWorker,
        certificate,
        ttl,
        trigger,
        maxConcurrentPreviews,
        redisDatabases,
        continueAsNewAfterDeployments,
        timeouts,
        deployScript,
        null);
  }

  /** The snapshot settings, the defaults where none are set (settings carried by older runs). */
  public Snapshot snapshotOrDefaults() {
    return snapshot == null ? Snapshot.defaults() : snapshot;
  }

  /**
   * These settings with the {@code environment:} values emptied and the keys kept: what workflow
   * inputs, results and carried state may hold. The values are looked up by the activity that
   * writes the environment file, so no configured value reaches history.
   */
  public PreviewSettings withEnvironmentKeysOnly() {
    if (environment == null || environment.values().stream().allMatch(""::equals)) {
      return this;
    }
    Map<String, String> keys = new TreeMap<>();
    environment.keySet().forEach(key -> keys.put(key, ""));
    return new PreviewSettings(
        repository,
        mode,
        sharedServerId,
        server,
        domain,
        project,
        siteTemplate,
        databaseTemplate,
        phpVersion,
        repositoryProvider,
        composer,
        masterDatabase,
        keys,
        queueWorker,
        certificate,
        ttl,
        trigger,
        maxConcurrentPreviews,
        redisDatabases,
        continueAsNewAfterDeployments,
        timeouts,
        deployScript,
        snapshot);
  }

  public enum Mode {
    DEDICATED,
    SHARED
  }

  public enum Trigger {
    AUTO,
    COMMENT
  }

  /** What {@code POST /servers} gets in dedicated mode. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ServerSpec(
      String provider,
      Long credentialId,
      String region,
      String size,
      String phpVersion,
      String databaseType) {}

  /** The database cloned into each preview, reached over SSH. Null: no clone. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MasterDatabase(String host, int sshPort, String sshUser, String database) {}

  /**
   * The master snapshot of a repository with a {@code masterDatabase}: a Temporal Schedule ({@code
   * master-snapshot:{owner}:{repo}}) copies the master into a snapshot database on the master's
   * MySQL server, applies {@code scrubScript} (SQL, run inside the snapshot) and keeps the newest
   * {@code keep}; previews clone the newest snapshot.
   *
   * @param schedule an ISO-8601 interval ({@code P7D}) or a five-field cron expression ({@code 0 3
   *     * * 0}: Sundays at 03:00 UTC)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Snapshot(String schedule, int keep, String scrubScript) {
    public static final String DEFAULT_SCHEDULE = "0 3 * * 0";
    public static final int DEFAULT_KEEP = 2;

    public static Snapshot defaults() {
      return new Snapshot(DEFAULT_SCHEDULE, DEFAULT_KEEP, null);
    }

    /** Whether {@code schedule} is an interval (else a cron expression). */
    public boolean isInterval() {
      return schedule != null && schedule.startsWith("P");
    }
  }

  /** The queue worker created on the site. Null: none. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueueWorker(String connection, String queue, int processes, int timeout) {}

  /**
   * ISO-8601 durations and counts of the waiting steps, and the teardown's bounded rounds. A zero
   * {@code teardownRounds} or a null pause (settings carried by runs older than these fields) mean
   * the defaults.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Timeouts(
      String serverReady,
      String serverPollInterval,
      String resourcePollInterval,
      String deployment,
      String deploymentPollInterval,
      int healthTries,
      String healthInterval,
      int connectivityTries,
      String connectivityInterval,
      int teardownRounds,
      String teardownRoundPause) {

    /** Rounds of a teardown or rollback before it gives up ({@link Phase#TEARDOWN_FAILED}). */
    public static final int DEFAULT_TEARDOWN_ROUNDS = 5;

    public static final String DEFAULT_TEARDOWN_ROUND_PAUSE = "PT5M";

    public static Timeouts defaults() {
      return new Timeouts(
          "PT60M",
          "PT2M",
          "PT5S",
          "PT30M",
          "PT10S",
          5,
          "PT5S",
          10,
          "PT10S",
          DEFAULT_TEARDOWN_ROUNDS,
          DEFAULT_TEARDOWN_ROUND_PAUSE);
    }
  }
}
