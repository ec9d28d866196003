package dev.forgepreview.activities.ssh;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.secrets.Redactor;
import dev.forgepreview.activities.ssh.SshConnection.RemoteCommand;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database clone and the Redis flush over SSH.
 *
 * <p>Failures become {@link ApplicationFailure}s typed with {@link FailureType}:
 *
 * <ul>
 *   <li>{@code INVALID_INPUT} (non-retryable): a name failed its pattern; nothing was connected.
 *   <li>{@code AUTHENTICATION} (non-retryable): the key was refused or unreadable, or a host key
 *       did not match its pin.
 *   <li>{@code TRANSIENT}: no connection, a connection lost mid-stream, a timeout, a command ended
 *       by a signal, or a MySQL client error that means "connection to MySQL lost or refused"
 *       (2002, 2003, 2006, 2013). The clone empties its target first, so a retry is safe.
 *   <li>{@code FAILED} (non-retryable): a command exited non-zero for any other reason (access
 *       denied, bad SQL, a missing program); its stderr is in the message. Also: no credentials
 *       configured for the master's host.
 * </ul>
 */
public final class DatabaseCloneActivitiesImpl implements DatabaseCloneActivities {
  private static final Logger log = LoggerFactory.getLogger(DatabaseCloneActivitiesImpl.class);
  private static final Pattern MYSQL_CONNECTION_ERROR =
      Pattern.compile("\\b(2002|2003|2006|2013)\\b");
  private static final Pattern BYTES_LINE = Pattern.compile("(?m)^bytes=(\\d+)$");
  private static final Pattern SIZE_LINE = Pattern.compile("(?m)^size=(\\d+)$");
  private static final long PROGRESS_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private final SshConnector connector;
  private final CloneSettings settings;
  private final CloneScripts scripts;
  private final SnapshotScripts snapshotScripts;
  private final PreviewSecrets secrets;
  private final MasterCredentials masterCredentials;

  public DatabaseCloneActivitiesImpl(
      SshSettings ssh,
      CloneSettings settings,
      PreviewSecrets secrets,
      MasterCredentials masterCredentials) {
    this(new SshConnector(ssh), settings, secrets, masterCredentials);
  }

  public DatabaseCloneActivitiesImpl(
      SshConnector connector,
      CloneSettings settings,
      PreviewSecrets secrets,
      MasterCredentials masterCredentials) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scripts = new CloneScripts(settings);
    this.snapshotScripts = new SnapshotScripts(scripts);
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.masterCredentials = Objects.requireNonNull(masterCredentials, "masterCredentials");
  }

  @Override
  public CloneResult cloneDatabase(CloneDatabaseRequest request) {
    try {
      return cloneDatabase(request, bytes -> Activity.getExecutionContext().heartbeat(bytes));
    } catch (SafeNames.InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage(), e);
    } catch (SshException e) {
      throw toFailure(e);
    }
  }

  @Override
  public SnapshotResult refreshSnapshot(RefreshSnapshotRequest request) {
    try {
      return refreshSnapshot(request, bytes -> Activity.getExecutionContext().heartbeat(bytes));
    } catch (SafeNames.InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage(), e);
    } catch (SshException e) {
      throw toFailure(e);
    }
  }

  @Override
  public void flushRedis(FlushRedisRequest request) {
    try {
      flushRedisDatabase(request);
    } catch (SafeNames.InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage(), e);
    } catch (SshException e) {
      throw toFailure(e);
    }
  }

  /**
   * The clone without Temporal: {@code progress} receives the bytes copied so far, about once a
   * second and at the end.
   */
  CloneResult cloneDatabase(CloneDatabaseRequest request, LongConsumer progress)
      throws SshException {
    MasterDatabase master = request.master();
    if (master == null) {
      return new CloneResult(false, 0, "no master database is configured; nothing was cloned");
    }
    // Every name is checked before anything connects.
    String masterHost = SafeNames.requireHost(master.host());
    int masterPort = SafeNames.requirePort(master.sshPort() == 0 ? 22 : master.sshPort());
    String masterSshUser = SafeNames.requireSshUser(master.sshUser());
    String masterDatabase = SafeNames.requireDatabase(master.database());
    String targetHost = SafeNames.requireHost(request.targetHost());
    String targetDatabase = SafeNames.requireDatabase(request.targetDatabase());
    String targetUser = SafeNames.requireDbUser(request.targetUser());
    Objects.requireNonNull(request.previewId(), "previewId");

    DbCredentials masterDb = masterCredentials.forHost(masterHost);
    if (masterDb == null) {
      throw new SshCommandException(
          "the clone", 1, null, "no MySQL credentials are configured for master " + masterHost);
    }
    SafeNames.requireDbUser(masterDb.user());
    byte[] masterOptions = CloneScripts.optionFile(settings.masterMysql(), masterDb);
    byte[] targetOptions =
        CloneScripts.optionFile(
            settings.previewMysql(),
            new DbCredentials(targetUser, secrets.databasePassword(request.previewId())));

    // The source: the newest complete snapshot when asked for and there is one, else the master.
    String sourceDatabase = masterDatabase;
    DataSource source =
        new DataSource(
            DataSource.Kind.LIVE_MASTER,
            masterDatabase,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            0);
    String sourceWarning = null;
    if (request.fromSnapshot()) {
      Snapshot newest =
          newestSnapshot(masterHost, masterPort, masterSshUser, masterDatabase, masterOptions);
      if (newest != null) {
        sourceDatabase = newest.name();
        source =
            new DataSource(
                DataSource.Kind.SNAPSHOT, newest.name(), newest.takenAt(), newest.sizeBytes());
      } else {
        sourceWarning =
            "no complete snapshot of "
                + masterDatabase
                + " on "
                + masterHost
                + " yet: cloned the live master";
      }
    }

    boolean sameMachine =
        masterHost.equalsIgnoreCase(targetHost)
            && masterPort == settings.previewSshPort()
            && masterSshUser.equals(settings.previewSshUser());
    log.info(
        "cloning {} from {}@{} into {} on {} ({})",
        sourceDatabase,
        masterSshUser,
        masterHost,
        targetDatabase,
        targetHost,
        sameMachine ? "one command on the same machine" : "streamed through the worker");
    CloneResult result =
        sameMachine
            ? cloneOnOneMachine(
                masterHost,
                masterPort,
                masterSshUser,
                sourceDatabase,
                targetDatabase,
                masterOptions,
                targetOptions,
                progress)
            : cloneAcrossMachines(
                masterHost,
                masterPort,
                masterSshUser,
                sourceDatabase,
                targetHost,
                targetDatabase,
                masterOptions,
                targetOptions,
                progress);
    if (!result.cloned()) {
      log.warn(result.warning());
      return result;
    }
    log.info("cloned {} into {}: {} bytes", sourceDatabase, targetDatabase, result.bytesCopied());
    if (sourceWarning != null) {
      log.warn(sourceWarning);
    }
    return new CloneResult(true, result.bytesCopied(), sourceWarning, source);
  }

  /** One row of the snapshot catalog. */
  record Snapshot(boolean complete, String name, String takenAt, long sizeBytes) {}

  /** The newest complete snapshot of {@code masterDatabase}, or null. */
  private Snapshot newestSnapshot(
      String host, int port, String sshUser, String masterDatabase, byte[] masterOptions)
      throws SshException {
    try (SshConnection master = connector.connect(host, port, sshUser)) {
      return listSnapshots(master, masterDatabase, masterOptions).stream()
          .filter(Snapshot::complete)
          .findFirst()
          .orElse(null);
    }
  }

  /** The snapshots of {@code masterDatabase} in the catalog, newest first. */
  private List<Snapshot> listSnapshots(
      SshConnection master, String masterDatabase, byte[] masterOptions) throws SshException {
    String purpose = "the snapshot list of " + masterDatabase + " on " + master.host();
    SshConnection.Result result =
        master.execute(
            purpose, snapshotScripts.list(masterDatabase, masterOptions.length), masterOptions);
    requireZero(purpose, result);
    List<Snapshot> snapshots = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      String[] cells = line.split("\t");
      if (cells.length == 4) {
        snapshots.add(
            new Snapshot(
                cells[0].equals("complete"),
                SafeNames.requireDatabase(cells[1]),
                cells[2],
                Long.parseLong(cells[3])));
      }
    }
    return snapshots;
  }

  /**
   * The refresh without Temporal: {@code heartbeat} is called about once a second while the remote
   * dump runs.
   */
  SnapshotResult refreshSnapshot(RefreshSnapshotRequest request, LongConsumer heartbeat)
      throws SshException {
    MasterDatabase master = Objects.requireNonNull(request.master(), "master");
    String host = SafeNames.requireHost(master.host());
    int port = SafeNames.requirePort(master.sshPort() == 0 ? 22 : master.sshPort());
    String sshUser = SafeNames.requireSshUser(master.sshUser());
    String masterDatabase = SafeNames.requireDatabase(master.database());
    String snapshot = SafeNames.requireDatabase(request.snapshot());
    int keep = Math.max(1, request.keep());
    DbCredentials credentials = masterCredentials.forHost(host);
    if (credentials == null) {
      throw new SshCommandException(
          "the snapshot", 1, null, "no MySQL credentials are configured for master " + host);
    }
    SafeNames.requireDbUser(credentials.user());
    byte[] options = CloneScripts.optionFile(settings.masterMysql(), credentials);
    byte[] scrub =
        request.scrubScript() == null || request.scrubScript().isBlank()
            ? new byte[0]
            : request.scrubScript().getBytes(StandardCharsets.UTF_8);
    String script =
        snapshotScripts.refresh(
            masterDatabase, snapshot, request.takenAt(), options.length, scrub.length);
    String purpose = "the snapshot " + snapshot + " of " + masterDatabase + " on " + host;
    log.info("refreshing {}", purpose);
    try (SshConnection connection = connector.connect(host, port, sshUser)) {
      long size;
      try (RemoteCommand command = connection.start(purpose, script)) {
        write(command, command.stdin(), options);
        if (scrub.length > 0) {
          write(command, command.stdin(), scrub);
        }
        command.closeStdin();
        while (!command.hasEnded(Duration.ofSeconds(1))) {
          heartbeat.accept(0);
        }
        String stdout;
        try {
          stdout = new String(command.stdout().readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw command.lost(e);
        }
        Integer status = command.awaitExit();
        if (status != null && status == CloneScripts.MISSING_DATABASE_EXIT) {
          throw new SshCommandException(
              purpose,
              status,
              null,
              "the master database " + masterDatabase + " does not exist on " + host);
        }
        if (status == null || status != 0) {
          throw new SshCommandException(purpose, status, command.exitSignal(), command.stderr());
        }
        Matcher sizeLine = SIZE_LINE.matcher(stdout);
        size = sizeLine.find() ? Long.parseLong(sizeLine.group(1)) : 0;
      }

      // Keep the newest complete ones; drop older ones and what earlier attempts left unfinished.
      List<String> kept = new ArrayList<>(List.of(snapshot));
      List<String> dropped = new ArrayList<>();
      for (Snapshot existing : listSnapshots(connection, masterDatabase, options)) {
        if (existing.name().equals(snapshot)) {
          continue;
        }
        if (existing.complete() && kept.size() < keep) {
          kept.add(existing.name());
        } else if (existing.complete() || existing.takenAt().compareTo(request.takenAt()) < 0) {
          dropped.add(existing.name());
        }
      }
      if (!dropped.isEmpty()) {
        String dropPurpose = "dropping old snapshots of " + masterDatabase + " on " + host;
        requireZero(
            dropPurpose,
            connection.execute(
                dropPurpose, snapshotScripts.drop(dropped, options.length), options));
      }
      log.info("{}: {} bytes; kept {}, dropped {}", purpose, size, kept, dropped);
      return new SnapshotResult(snapshot, request.takenAt(), size, kept, dropped);
    }
  }

  private CloneResult cloneAcrossMachines(
      String masterHost,
      int masterPort,
      String masterSshUser,
      String masterDatabase,
      String targetHost,
      String targetDatabase,
      byte[] masterOptions,
      byte[] targetOptions,
      LongConsumer progress)
      throws SshException {
    try (SshConnection master = connector.connect(masterHost, masterPort, masterSshUser)) {
      SshConnection.Result check =
          master.execute(
              "the existence check of " + masterDatabase + " on " + masterHost,
              scripts.masterCheck(masterDatabase, masterOptions.length),
              masterOptions);
      if (check.exitStatus() == CloneScripts.MISSING_DATABASE_EXIT) {
        return missing(masterDatabase, masterHost);
      }
      requireZero("the existence check of " + masterDatabase + " on " + masterHost, check);

      try (SshConnection target =
              connector.connect(targetHost, settings.previewSshPort(), settings.previewSshUser());
          RemoteCommand load =
              target.start(
                  "mysql into " + targetDatabase + " on " + targetHost,
                  scripts.targetLoad(targetOptions.length));
          RemoteCommand dump =
              master.start(
                  "mysqldump of " + masterDatabase + " on " + masterHost,
                  scripts.masterDump(masterDatabase, masterOptions.length))) {
        OutputStream toTarget = load.stdin();
        write(load, toTarget, targetOptions);
        write(
            load, toTarget, CloneScripts.resetSql(targetDatabase).getBytes(StandardCharsets.UTF_8));
        write(dump, dump.stdin(), masterOptions);
        dump.closeStdin();

        long copied = copy(dump, load, progress);
        Integer dumpStatus = dump.awaitExit();
        if (dumpStatus == null || dumpStatus != 0) {
          // Closing the loader's channel without end-of-file ends it on the server; the partial
          // load is dropped by the next attempt's reset.
          load.close();
          throw new SshCommandException(
              dump.purpose(), dumpStatus, dump.exitSignal(), dump.stderr());
        }
        load.closeStdin();
        load.requireSuccess(loadTimeout());
        progress.accept(copied);
        return new CloneResult(true, copied, null);
      }
    }
  }

  private CloneResult cloneOnOneMachine(
      String host,
      int port,
      String sshUser,
      String masterDatabase,
      String targetDatabase,
      byte[] masterOptions,
      byte[] targetOptions,
      LongConsumer progress)
      throws SshException {
    String purpose =
        "mysqldump | mysql from " + masterDatabase + " into " + targetDatabase + " on " + host;
    try (SshConnection connection = connector.connect(host, port, sshUser);
        RemoteCommand command =
            connection.start(
                purpose,
                scripts.sameMachine(
                    masterDatabase, targetDatabase, masterOptions.length, targetOptions.length))) {
      write(command, command.stdin(), masterOptions);
      write(command, command.stdin(), targetOptions);
      command.closeStdin();
      // The stream never passes the worker here: heartbeat while it runs, then read the count.
      while (!command.hasEnded(Duration.ofSeconds(1))) {
        progress.accept(0);
      }
      String stdout;
      try {
        stdout = new String(command.stdout().readNBytes(4096), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw command.lost(e);
      }
      Integer status = command.awaitExit();
      if (status != null && status == CloneScripts.MISSING_DATABASE_EXIT) {
        return missing(masterDatabase, host);
      }
      if (status == null || status != 0) {
        throw new SshCommandException(purpose, status, command.exitSignal(), command.stderr());
      }
      Matcher bytes = BYTES_LINE.matcher(stdout);
      long copied = bytes.find() ? Long.parseLong(bytes.group(1)) : 0;
      progress.accept(copied);
      return new CloneResult(true, copied, null);
    }
  }

  /** Copies the dump to the loader through one fixed buffer, reporting progress. */
  private long copy(RemoteCommand dump, RemoteCommand load, LongConsumer progress)
      throws SshException {
    byte[] buffer = new byte[settings.copyBufferBytes()];
    InputStream in = dump.stdout();
    OutputStream out = load.stdin();
    long copied = 0;
    long lastReport = System.nanoTime();
    progress.accept(0);
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw dump.lost(e);
      }
      if (n < 0) {
        return copied;
      }
      write(load, out, buffer, n);
      copied += n;
      long now = System.nanoTime();
      if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
        lastReport = now;
        progress.accept(copied);
      }
    }
  }

  private void flushRedisDatabase(FlushRedisRequest request) throws SshException {
    String host = SafeNames.requireHost(request.host());
    String command = scripts.flushRedis(request.database());
    String purpose = "redis-cli FLUSHDB of database " + request.database() + " on " + host;
    try (SshConnection connection =
        connector.connect(host, settings.previewSshPort(), settings.previewSshUser())) {
      SshConnection.Result result = connection.execute(purpose, command, new byte[0]);
      requireZero(purpose, result);
      // redis-cli exits 0 on some error replies; FLUSHDB answers OK.
      if (!result.stdout().strip().equals("OK")) {
        throw new SshCommandException(purpose, result.exitStatus(), null, result.stdout().strip());
      }
      log.info("flushed Redis database {} on {}", request.database(), host);
    }
  }

  private Duration loadTimeout() {
    // After the last byte, the loader still has to apply the final statements and indexes.
    return connector.settings().commandTimeout().multipliedBy(5);
  }

  private static CloneResult missing(String database, String host) {
    return new CloneResult(
        false,
        0,
        "the master database "
            + database
            + " does not exist on "
            + host
            + "; the preview keeps an empty database");
  }

  private static void requireZero(String purpose, SshConnection.Result result)
      throws SshCommandException {
    if (result.exitStatus() != 0) {
      throw new SshCommandException(purpose, result.exitStatus(), null, result.stderr());
    }
  }

  private static void write(RemoteCommand command, OutputStream out, byte[] bytes)
      throws SshException {
    write(command, out, bytes, bytes.length);
  }

  private static void write(RemoteCommand command, OutputStream out, byte[] bytes, int length)
      throws SshException {
    try {
      out.write(bytes, 0, length);
      out.flush();
    } catch (IOException e) {
      throw command.lost(e);
    }
  }

  static ApplicationFailure toFailure(SshException e) {
    FailureType type =
        switch (e.kind()) {
          case AUTHENTICATION, HOST_KEY_MISMATCH -> FailureType.AUTHENTICATION;
          case CONNECT, CONNECTION_LOST, TIMEOUT -> FailureType.TRANSIENT;
          case COMMAND_FAILED -> commandFailureType((SshCommandException) e);
        };
    return failure(type, e.getMessage(), e);
  }

  private static FailureType commandFailureType(SshCommandException e) {
    if (e.exitSignal() != null
        || (e.exitStatus() != null && e.exitStatus() >= 128)
        || MYSQL_CONNECTION_ERROR.matcher(e.stderr()).find()) {
      return FailureType.TRANSIENT;
    }
    return FailureType.FAILED;
  }

  private static ApplicationFailure failure(FailureType type, String message, Exception cause) {
    // No cause: its message would carry the remote stderr into history unredacted.
    return ActivityFailures.of(type, Redactor.redact(message));
  }
}
