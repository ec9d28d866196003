package dev.forgepreview.activities.ssh;

/**
 * A remote command that ran and failed: it exited with a non-zero status, or was ended by a signal.
 * Carries the status and the (bounded) standard error the command printed.
 */
public final class SshCommandException extends SshException {
  private static final long serialVersionUID = 1L;

  private final String purpose;
  private final Integer exitStatus;
  private final String exitSignal;
  private final String stderr;

  public SshCommandException(String purpose, Integer exitStatus, String exitSignal, String stderr) {
    super(Kind.COMMAND_FAILED, describe(purpose, exitStatus, exitSignal, stderr));
    this.purpose = purpose;
    this.exitStatus = exitStatus;
    this.exitSignal = exitSignal;
    this.stderr = stderr == null ? "" : stderr;
  }

  private static String describe(
      String purpose, Integer exitStatus, String exitSignal, String stderr) {
    StringBuilder message = new StringBuilder(purpose);
    if (exitSignal != null) {
      message.append(" was ended by signal ").append(exitSignal);
    } else {
      message.append(" exited with status ").append(exitStatus);
    }
    if (stderr != null && !stderr.isBlank()) {
      message.append(": ").append(stderr.strip());
    }
    return message.toString();
  }

  /** What the command was for, e.g. {@code "mysqldump on db.example.com"}. */
  public String purpose() {
    return purpose;
  }

  /** The exit status, or null when the command was ended by a signal. */
  public Integer exitStatus() {
    return exitStatus;
  }

  /** The signal that ended the command, or null. */
  public String exitSignal() {
    return exitSignal;
  }

  /** What the command printed on standard error, at most a few kilobytes. */
  public String stderr() {
    return stderr;
  }
}
