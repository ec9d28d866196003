package dev.forgepreview.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repositories file as it is now: loaded and validated at start (a mistake stops the process),
 * then reloaded when its content changes. An edit that does not validate is refused: the error is
 * logged (file, line, key) and the settings loaded before stay in force. Readers call {@link
 * #get()} for each decision, so a reload applies to the next webhook, the next preview and the next
 * redeploy; a provision already running keeps the settings it started with.
 *
 * <p>{@link #watch(Duration)} checks the file every interval by its content (a hash), not its
 * modification time, so Kubernetes' config map updates (a symlink swapped) and edits within the
 * same second are seen. {@link #reload()} is the same step, for SIGHUP-like triggers and tests.
 */
public final class RepositoriesFile implements Supplier<RepositorySettings>, AutoCloseable {
  /** The variable naming the file, for both processes. */
  public static final String FILE_VARIABLE = "FORGE_PREVIEW_REPOSITORIES_FILE";

  /** The variable setting how often the file is checked (ISO-8601; {@code PT0S}: never). */
  public static final String RELOAD_VARIABLE = "FORGE_PREVIEW_REPOSITORIES_RELOAD_INTERVAL";

  /** How often the file is checked unless {@value #RELOAD_VARIABLE} says otherwise. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(RepositoriesFile.class);

  private final Path file;
  private volatile Loaded current;
  private volatile byte[] lastRefused;
  private ScheduledExecutorService watcher;

  /** What a reload did. */
  public enum Outcome {
    UNCHANGED,
    APPLIED,
    REFUSED
  }

  private record Loaded(RepositorySettings settings, byte[] hash) {}

  private RepositoriesFile(Path file, Loaded current) {
    this.file = file;
    this.current = current;
  }

  /**
   * Loads {@code file}.
   *
   * @throws ConfigurationException when it cannot be read or is not valid
   */
  public static RepositoriesFile open(Path file) {
    byte[] content = read(file);
    return new RepositoriesFile(
        file, new Loaded(RepositorySettings.parse(content, file.toString()), hash(content)));
  }

  /** No file: no repository is configured, and nothing is watched. */
  public static RepositoriesFile none() {
    return new RepositoriesFile(null, new Loaded(RepositorySettings.empty(), new byte[0]));
  }

  @Override
  public RepositorySettings get() {
    return current.settings();
  }

  public Path path() {
    return file;
  }

  /** Reads the file again and applies it if it changed and is valid; never throws. */
  public synchronized Outcome reload() {
    if (file == null) {
      return Outcome.UNCHANGED;
    }
    byte[] content;
    try {
      content = read(file);
    } catch (ConfigurationException e) {
      return refuse(e.getMessage(), new byte[0]);
    }
    byte[] hash = hash(content);
    if (Arrays.equals(hash, current.hash())) {
      lastRefused = null;
      return Outcome.UNCHANGED;
    }
    if (Arrays.equals(hash, lastRefused)) {
      return Outcome.REFUSED;
    }
    RepositorySettings settings;
    try {
      settings = RepositorySettings.parse(content, file.toString());
    } catch (ConfigurationException e) {
      return refuse(e.getMessage(), hash);
    }
    current = new Loaded(settings, hash);
    lastRefused = null;
    log.info(
        "reloaded {}: {} repositories; new previews and redeploys use these settings",
        file,
        settings.size());
    return Outcome.APPLIED;
  }

  private Outcome refuse(String reason, byte[] hash) {
    if (!Arrays.equals(hash, lastRefused)) {
      log.error(
          "the edited repositories file is refused, the settings loaded before stay in force: {}",
          reason);
    }
    lastRefused = hash;
    return Outcome.REFUSED;
  }

  /** Checks the file every {@code interval} on a daemon thread; zero or negative: never. */
  public synchronized RepositoriesFile watch(Duration interval) {
    if (file == null || interval.isZero() || interval.isNegative() || watcher != null) {
      return this;
    }
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "repositories-file-watcher");
              thread.setDaemon(true);
              return thread;
            });
    watcher.scheduleWithFixedDelay(
        this::reloadQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("watching {} for edits every {}", file, interval);
    return this;
  }

  /** A task that throws is never run again by the executor: the watcher must outlive any bug. */
  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      log.error("checking {} failed; the settings in force stay", file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read the repositories file " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static byte[] hash(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
