package dev.forgepreview.activities.ssh;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * One authenticated SSH connection. Runs commands through the server's shell, each in its own
 * session; several may run at once. Commands are given to the remote shell as they are: callers
 * quote every value with {@link ShellQuoting}.
 */
public final class SshConnection implements Closeable {
  private static final int MAX_CAPTURED_OUTPUT = 64 * 1024;

  private final SSHClient client;
  private final String host;
  private final Duration commandTimeout;

  SshConnection(SSHClient client, String host, Duration commandTimeout) {
    this.client = client;
    this.host = host;
    this.commandTimeout = commandTimeout;
  }

  public String host() {
    return host;
  }

  /** The result of a short command. */
  public record Result(int exitStatus, String stdout, String stderr) {}

  /**
   * Runs a short command: writes {@code stdin} (may be empty) and closes it, captures at most 64 KB
   * of each output, and waits up to the configured command timeout. A non-zero exit is returned,
   * not thrown, so the caller can give some statuses a meaning; see {@link Result}.
   *
   * @param purpose a description for messages, never containing a secret
   */
  public Result execute(String purpose, String command, byte[] stdin) throws SshException {
    try (RemoteCommand remote = start(purpose, command)) {
      remote.stdin().write(stdin);
      remote.closeStdin();
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      InputStream in = remote.stdout();
      long deadline = System.nanoTime() + commandTimeout.toNanos();
      for (int n; (n = read(remote, in, buffer)) >= 0; ) {
        if (stdout.size() < MAX_CAPTURED_OUTPUT) {
          stdout.write(buffer, 0, Math.min(n, MAX_CAPTURED_OUTPUT - stdout.size()));
        }
        if (System.nanoTime() > deadline) {
          throw new SshException(
              SshException.Kind.TIMEOUT, purpose + " did not finish within " + commandTimeout);
        }
      }
      Integer status =
          remote.awaitExit(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)));
      if (status == null) {
        throw new SshCommandException(purpose, null, remote.exitSignal(), remote.stderr());
      }
      return new Result(status, stdout.toString(StandardCharsets.UTF_8), remote.stderr());
    } catch (IOException e) {
      throw remoteFailure(purpose, e);
    }
  }

  /** Starts a command whose streams the caller drives; the caller closes it. */
  public RemoteCommand start(String purpose, String command) throws SshException {
    Session session = null;
    try {
      session = client.startSession();
      Session.Command started = session.exec(command);
      return new RemoteCommand(purpose, host, session, started, client, commandTimeout);
    } catch (IOException e) {
      if (session != null) {
        try {
          session.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      throw remoteFailure(purpose, e);
    }
  }

  private static int read(RemoteCommand remote, InputStream in, byte[] buffer) throws SshException {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw remote.lost(e);
    }
  }

  private SshException remoteFailure(String purpose, IOException e) {
    if (e instanceof SshException ours) {
      return ours;
    }
    return new SshException(
        SshException.Kind.CONNECTION_LOST,
        purpose + ": the connection to " + host + " was lost (" + e + ")",
        e);
  }

  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    SshConnector.closeQuietly(client);
  }

  /** A running remote command; its stderr is drained in the background into a bounded buffer. */
  public static final class RemoteCommand implements Closeable {
    private final String purpose;
    private final String host;
    private final Session session;
    private final Session.Command command;
    private final SSHClient client;
    private final Duration commandTimeout;
    private final BoundedText stderr = new BoundedText(4096);
    private final Thread stderrDrain;

    RemoteCommand(
        String purpose,
        String host,
        Session session,
        Session.Command command,
        SSHClient client,
        Duration commandTimeout) {
      this.purpose = purpose;
      this.host = host;
      this.session = session;
      this.command = command;
      this.client = client;
      this.commandTimeout = commandTimeout;
      this.stderrDrain = new Thread(this::drainStderr, "ssh-stderr-" + host);
      stderrDrain.setDaemon(true);
      stderrDrain.start();
    }

    private void drainStderr() {
      byte[] buffer = new byte[4096];
      try (InputStream in = command.getErrorStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          stderr.append(buffer, n);
        }
      } catch (IOException e) {
        // The channel is gone; what was read so far is kept.
      }
    }

    public String purpose() {
      return purpose;
    }

    /** The command's standard input; {@link #closeStdin()} sends end-of-file. */
    public OutputStream stdin() {
      return command.getOutputStream();
    }

    public InputStream stdout() {
      return command.getInputStream();
    }

    public void closeStdin() throws SshException {
      try {
        command.getOutputStream().close();
      } catch (IOException e) {
        throw lost(e);
      }
    }

    /**
     * Waits for the command to end and returns its exit status; null when it was ended by a signal
     * (see {@link #exitSignal()}). A connection lost before the status arrived is {@link
     * SshException.Kind#CONNECTION_LOST}; no end within {@code timeout} is {@link
     * SshException.Kind#TIMEOUT}.
     */
    public Integer awaitExit(Duration timeout) throws SshException {
      if (!hasEnded(timeout)) {
        throw new SshException(
            SshException.Kind.TIMEOUT, purpose + " did not finish within " + timeout);
      }
      awaitStderr();
      return command.getExitStatus();
    }

    /**
     * Waits up to {@code timeout} and tells whether the command has ended; a connection lost before
     * the exit status arrived is {@link SshException.Kind#CONNECTION_LOST}.
     */
    public boolean hasEnded(Duration timeout) throws SshException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!exited() && command.isOpen() && client.isConnected()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          command.join(Math.max(1, Math.min(200, left / 1_000_000)), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
          // join reports its own timeout as an exception; the loop checks the state again.
        }
      }
      if (!exited()) {
        throw new SshException(
            SshException.Kind.CONNECTION_LOST,
            purpose + ": the connection to " + host + " was lost before the command ended");
      }
      return true;
    }

    private boolean exited() {
      return command.getExitStatus() != null || command.getExitSignal() != null;
    }

    /** {@link #awaitExit(Duration)} with the configured command timeout. */
    public Integer awaitExit() throws SshException {
      return awaitExit(commandTimeout);
    }

    /** Waits for the exit and throws {@link SshCommandException} unless it is zero. */
    public void requireSuccess(Duration timeout) throws SshException {
      Integer status = awaitExit(timeout);
      if (status == null || status != 0) {
        throw new SshCommandException(purpose, status, exitSignal(), stderr());
      }
    }

    public String exitSignal() {
      return command.getExitSignal() == null ? null : command.getExitSignal().name();
    }

    private void awaitStderr() {
      try {
        stderrDrain.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    public String stderr() {
      return stderr.toString();
    }

    SshException lost(IOException e) {
      if (e instanceof SshException ours) {
        return ours;
      }
      return new SshException(
          SshException.Kind.CONNECTION_LOST,
          purpose + ": the connection to " + host + " was lost (" + e + ")",
          e);
    }

    /** Closes the channel; a command still running is ended by the server. */
    @Override
    public void close() {
      try {
        session.close();
      } catch (IOException e) {
        // Already closed, or the connection is gone.
      }
    }
  }

  /** Keeps the first and last {@code half} bytes of a stream of text. */
  static final class BoundedText {
    private final int half;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final byte[] tail;
    private long tailCount;

    BoundedText(int half) {
      this.half = half;
      this.tail = new byte[half];
    }

    synchronized void append(byte[] bytes, int length) {
      for (int i = 0; i < length; i++) {
        if (head.size() < half) {
          head.write(bytes[i]);
        } else {
          tail[(int) (tailCount++ % half)] = bytes[i];
        }
      }
    }

    @Override
    public synchronized String toString() {
      String first = head.toString(StandardCharsets.UTF_8);
      if (tailCount == 0) {
        return first;
      }
      byte[] last = new byte[(int) Math.min(tailCount, half)];
      long start = tailCount - last.length;
      for (int i = 0; i < last.length; i++) {
        last[i] = tail[(int) ((start + i) % half)];
      }
      String skipped = tailCount > half ? "\n[... " + (tailCount - half) + " bytes ...]\n" : "";
      return first + skipped + new String(last, StandardCharsets.UTF_8);
    }
  }
}
