package dev.forgepreview.worker;

import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.settings.TemporalConnection;
import dev.forgepreview.settings.TemporalTls;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The worker's configuration, read once at start from environment variables (secrets also from
 * {@code *_FILE}). {@link #toString()} shows no secret.
 */
public record WorkerConfig(
    Env env,
    String temporalAddress,
    String temporalNamespace,
    TemporalTls temporalTls,
    String forgeApiUrl,
    String forgeApiToken,
    int forgeRequestsPerMinute,
    String previewSecretKey,
    RepositoriesFile repositories,
    Duration repositoriesReloadInterval,
    Duration cleanupInterval,
    boolean cleanupDryRun,
    Duration cleanupOrphanGrace,
    int healthPort) {

  public static final String DEFAULT_FORGE_API_URL = "https://forge.laravel.com/api/v1/";

  public static WorkerConfig fromEnvironment(Env env) {
    String secretKey =
        env.secret("PREVIEW_SECRET_KEY")
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "PREVIEW_SECRET_KEY (or PREVIEW_SECRET_KEY_FILE) is not set: it is the key"
                            + " every preview's database password is derived from"));
    if (secretKey.length() < 16) {
      throw new ConfigurationException("PREVIEW_SECRET_KEY needs at least 16 characters");
    }
    int rate = env.integer("FORGE_RATE_LIMIT_PER_MINUTE", 60);
    if (rate < 1) {
      throw new ConfigurationException("FORGE_RATE_LIMIT_PER_MINUTE must be at least 1");
    }
    return new WorkerConfig(
        env,
        TemporalConnection.address(env),
        TemporalConnection.namespace(env),
        TemporalTls.fromEnvironment(env),
        env.get("FORGE_API_URL", DEFAULT_FORGE_API_URL),
        env.secret("FORGE_API_TOKEN")
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "FORGE_API_TOKEN (or FORGE_API_TOKEN_FILE) is not set")),
        rate,
        secretKey,
        RepositoriesFile.open(Path.of(env.required(RepositoriesFile.FILE_VARIABLE))),
        env.duration(RepositoriesFile.RELOAD_VARIABLE, RepositoriesFile.DEFAULT_RELOAD_INTERVAL),
        env.duration("CLEANUP_INTERVAL", Duration.ofHours(1)),
        env.flag("CLEANUP_DRY_RUN", false),
        env.duration("CLEANUP_ORPHAN_GRACE", Duration.ofHours(2)),
        env.integer("WORKER_HEALTH_PORT", 8081));
  }

  @Override
  public String toString() {
    return "WorkerConfig[temporal="
        + temporalAddress
        + ", namespace="
        + temporalNamespace
        + ", tls="
        + temporalTls.enabled()
        + ", forge="
        + forgeApiUrl
        + ", forgeToken=***, secretKey=***, cleanupEvery="
        + cleanupInterval
        + "]";
  }
}
