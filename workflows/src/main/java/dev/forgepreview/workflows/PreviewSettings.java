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
    String label,
    AdmissionSettings admission) {

  /** Settings from before {@code label} and {@code admission}. */
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
        null,
        null);
  }

  /** The admission settings, the defaults when settings from before them carry none. */
  public AdmissionSettings admissionOrDefaults() {
    return admission == null ? AdmissionSettings.defaults() : admission;
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
        label,
        admission);
  }

  public enum Mode {
    DEDICATED,
    SHARED
  }

  public enum Trigger {
    AUTO,
    COMMENT,
    /** Adding {@link #label} to a pull request starts its preview, removing it destroys it. */
    LABEL
  }

  /**
   * The admission coordinator's per-repository rules: the Redis databases a shared server hands out
   * ({@code redisFirstDatabase}…{@code redisLastDatabase}, unique among live previews on the
   * server), and the circuit breaker: {@code breakerFailures} infrastructure failures in a row open
   * it, {@code breakerCoolDown} (ISO-8601) later one probe preview may run.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AdmissionSettings(
      int redisFirstDatabase, int redisLastDatabase, int breakerFailures, String breakerCoolDown) {
    public static AdmissionSettings defaults() {
      return new AdmissionSettings(1, 15, 3, "PT15M");
    }
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
