package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-repository settings, resolved once by {@code SettingsActivities} when a preview starts and
 * carried in the workflow's state. Holds no secret and no configured value: passwords are derived
 * inside activities, and {@code environment} carries only keys ({@link
 * #withEnvironmentKeysOnly()}): the worker looks the values up, and resolves {@code ${env:NAME}},
 * when the file is written. {@code deployScript} is the site's deployment script template (null:
 * the built-in default, which checks out exactly the approved sha); the Forge activity renders it.
 * {@code notifications} is null when the repository configures no notification URL, and carries no
 * URL once {@link #withEnvironmentKeysOnly()} made the settings fit for history.
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
    Backend backend,
    ComposeHost compose,
    Notifications notifications,
    String label,
    AdmissionSettings admission,
    Snapshot snapshot,
    BasicAuth basicAuth,
    WildcardCertificate wildcardCertificate,
    PreviewFile previewFile) {

  /** The snapshot settings, the defaults where none are set (settings carried by older runs). */
  public Snapshot snapshotOrDefaults() {
    return snapshot == null ? Snapshot.defaults() : snapshot;
  }

  /** The admission settings, the defaults when settings from before them carry none. */
  public AdmissionSettings admissionOrDefaults() {
    return admission == null ? AdmissionSettings.defaults() : admission;
  }

  /** Where previews run: Forge (the default) or a docker compose project on a host of our own. */
  public enum Backend {
    FORGE,
    COMPOSE
  }

  /** The effective backend: {@link Backend#FORGE} when none is set (settings of older runs). */
  public Backend effectiveBackend() {
    return backend == null ? Backend.FORGE : backend;
  }

  /** How nginx routes to a compose preview: by host name or by path prefix. */
  public enum Routing {
    HOST,
    PATH
  }

  /**
   * The compose backend's host, reached over SSH, and how previews run there. Every value is
   * validated and quoted again by the activities before it reaches the host's shell.
   *
   * @param host the host's name or address (SSH, and where nginx and the apps listen)
   * @param root the directory holding one work directory per preview
   * @param repositoryUrl the clone URL; {@code {repository}} is replaced by {@code owner/repo} (the
   *     fork's for a pull request from a fork)
   * @param composeCommand {@code auto} (detect {@code docker compose}, else {@code
   *     docker-compose}), {@code docker compose} or {@code docker-compose}
   * @param nginxCommand nginx's command and its leading arguments (e.g. {@code [nginx, -c,
   *     /etc/nginx/nginx.conf]}); {@code -t} and {@code -s reload} are appended
   * @param nginxConfigDirectory where the per-preview files go: server blocks ({@code HOST}) or
   *     location blocks included by the operator's server block ({@code PATH})
   * @param listenAddress the address nginx's preview server blocks listen on, or null for all
   * @param listenPort the port nginx's preview server blocks listen on
   * @param portBase the first port handed to previews; preview {@code n} gets {@code portBase + n %
   *     portCount}
   * @param memoryLimit per-preview memory limit of the generated compose file (e.g. {@code 512m})
   * @param cpus per-preview CPU limit of the generated compose file (e.g. {@code 1.0})
   * @param tlsCertificate a wildcard certificate file nginx serves, or null for plain HTTP
   * @param healthPath the path the health check requests on the app's port
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ComposeHost(
      String host,
      int sshPort,
      String sshUser,
      String root,
      String repositoryUrl,
      String composeCommand,
      Routing routing,
      java.util.List<String> nginxCommand,
      String nginxConfigDirectory,
      String listenAddress,
      int listenPort,
      int portBase,
      int portCount,
      String memoryLimit,
      String cpus,
      String tlsCertificate,
      String tlsCertificateKey,
      String healthPath,
      String build,
      String health) {}

  /**
   * Settings with only the keys of the first releases: the Forge backend, no notifications, and the
   * defaults of every later key. Tests and older callers use it; the later keys have withers.
   */
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
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Whether reaching {@code phase} sends the repository's notification. */
  public boolean notifies(Phase phase) {
    return notifications != null
        && notifications.events() != null
        && notifications.events().contains(phase);
  }

  /**
   * These settings with the {@code environment:} values emptied and the keys kept, and the
   * notification URL dropped: what workflow inputs, results and carried state may hold. The values
   * are looked up by the activities that use them, so no configured value reaches history.
   */
  public PreviewSettings withEnvironmentKeysOnly() {
    boolean valuesEmpty = environment == null || environment.values().stream().allMatch(""::equals);
    boolean noUrl = notifications == null || notifications.url() == null;
    if (valuesEmpty && noUrl) {
      return this;
    }
    Map<String, String> keys = environment == null ? null : new TreeMap<>();
    if (environment != null) {
      environment.keySet().forEach(key -> keys.put(key, ""));
    }
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
        backend,
        compose,
        notifications == null ? null : notifications.withoutUrl(),
        label,
        admission,
        snapshot,
        basicAuth,
        wildcardCertificate,
        previewFile);
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

  /** The body a notification is sent as. */
  public enum NotificationFormat {
    /** The documented JSON object (README, "Notifications"). */
    JSON,
    /** Slack's incoming-webhook shape: {@code {"text": "..."}}. */
    SLACK
  }

  /**
   * The repository's outgoing notification: sent when a preview reaches one of {@code events}. Null
   * settings mean none is configured. {@code url} is set only where the repositories file is read
   * (it may be a secret); in workflow history it is null and the activity looks it up.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Notifications(String url, NotificationFormat format, List<Phase> events) {
    /** The phases that can be notified. */
    public static final List<Phase> EVENTS =
        List.of(Phase.READY, Phase.FAILED, Phase.TEARDOWN_FAILED, Phase.DESTROYED);

    /** These notifications as workflow history may hold them: without the URL. */
    public Notifications withoutUrl() {
      return url == null ? this : new Notifications(null, format, events);
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

  /**
   * The repository's own preview file ({@code .forge-preview.yml}), read from the pull request's
   * exact commit: which of its parts a pull request may use. An empty {@code allow} (the default)
   * means the file is not read at all; a pull request from a fork may use none of them.
   *
   * @param path the file's path in the repository
   * @param allow the parts the file may hold and that are applied
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PreviewFile(String path, List<PreviewFilePart> allow) {
    public static final String DEFAULT_PATH = ".forge-preview.yml";

    /** Whether the file is read at all. */
    public boolean enabled() {
      return allow != null && !allow.isEmpty();
    }

    public boolean allows(PreviewFilePart part) {
      return allow != null && allow.contains(part);
    }

    /** The path, the default where none is set. */
    public String pathOrDefault() {
      return path == null || path.isBlank() ? DEFAULT_PATH : path;
    }
  }

  /** What a preview file may hold (README, The preview file). */
  public enum PreviewFilePart {
    /** {@code environment:} keys and values written into the site's {@code .env}. */
    ENVIRONMENT,
    /** {@code setup:} commands run once, after the first deployment, as Forge site commands. */
    SETUP,
    /** {@code deploy:} commands appended to every deployment's script. */
    DEPLOY,
    /** {@code services:} extra services in the generated compose file (compose backend only). */
    SERVICES;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PreviewFilePart of(String value) {
      if (value == null) {
        return null;
      }
      for (PreviewFilePart part : values()) {
        if (part.value().equalsIgnoreCase(value.trim())) {
          return part;
        }
      }
      throw new IllegalArgumentException(
          "'" + value + "' is not one of environment, setup, deploy, services");
    }

    @JsonValue
    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
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
