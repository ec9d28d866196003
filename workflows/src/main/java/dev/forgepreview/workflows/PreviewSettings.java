package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;
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
    CertificateMode certificate,
    String ttl,
    Trigger trigger,
    int maxConcurrentPreviews,
    int redisDatabases,
    int continueAsNewAfterDeployments,
    Timeouts timeouts,
    String deployScript,
    BasicAuth basicAuth,
    WildcardCertificate wildcardCertificate) {

  /** Settings without the keys added after the first release (carried by older runs too). */
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
        certificate ? CertificateMode.LETSENCRYPT : CertificateMode.NONE,
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

  /** Settings without basic auth and a wildcard certificate. */
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
      CertificateMode certificate,
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
        basicAuth,
        wildcardCertificate);
  }

  public enum Mode {
    DEDICATED,
    SHARED
  }

  /**
   * How the preview's site gets its certificate: {@code letsencrypt} (one certificate per preview,
   * counted against Let's Encrypt's limit per registered domain), {@code wildcard} (the existing
   * certificate of {@code wildcardCertificate}, installed on each site) or {@code none}. Reads
   * {@code true}/{@code false} too (the setting was a boolean), as {@code letsencrypt}/{@code
   * none}.
   */
  public enum CertificateMode {
    LETSENCRYPT,
    WILDCARD,
    NONE;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static CertificateMode of(Object value) {
      if (value == null) {
        return null;
      }
      if (value instanceof Boolean flag) {
        return flag ? LETSENCRYPT : NONE;
      }
      String text = value.toString().trim().toLowerCase(java.util.Locale.ROOT);
      return switch (text) {
        case "letsencrypt", "true" -> LETSENCRYPT;
        case "wildcard" -> WILDCARD;
        case "none", "false" -> NONE;
        default ->
            throw new IllegalArgumentException(
                "'" + value + "' is not one of letsencrypt, wildcard, none");
      };
    }

    @JsonValue
    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The existing (wildcard) certificate {@code certificate: wildcard} installs on every preview
   * site: {@code certificate} and {@code key} each name a PEM file on the worker or {@code
   * ${env:NAME}}; the worker reads them inside the activity, so neither the key nor the certificate
   * ever travels through history.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WildcardCertificate(String certificate, String key) {}

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
   * HTTP basic auth in front of the preview (a Forge security rule on the whole site). {@code
   * password} is null (a password derived per preview inside the activities, like the database
   * password) or a {@code ${env:NAME}} reference the worker resolves: the settings never hold the
   * password itself, so they may travel through history as they are.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BasicAuth(String username, String password) {
    /** Whether the password is derived per preview rather than configured. */
    public boolean generated() {
      return password == null || password.isBlank();
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
