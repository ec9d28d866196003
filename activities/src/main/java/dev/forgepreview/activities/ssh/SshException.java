package dev.forgepreview.activities.ssh;

import java.io.IOException;

/**
 * The one root of every failure of {@link SshConnector} and {@link SshConnection}. The {@link Kind}
 * tells the layer that failed, so callers decide about retries without parsing messages. Messages
 * never contain a password: commands are not quoted in them, and stderr is what the remote program
 * printed (mysql and mysqldump do not echo passwords).
 */
public class SshException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The layer that failed. */
  public enum Kind {
    /** No TCP connection or no SSH handshake: refused, unreachable, timed out. */
    CONNECT,
    /** The server's host key is not the pinned one. */
    HOST_KEY_MISMATCH,
    /** The server refused our key, or the key could not be read or decrypted. */
    AUTHENTICATION,
    /** An established connection or channel went away (dropped, keep-alive expired). */
    CONNECTION_LOST,
    /** A command did not finish within its timeout. */
    TIMEOUT,
    /** A command ran and exited non-zero (see {@link SshCommandException}). */
    COMMAND_FAILED
  }

  private final Kind kind;

  public SshException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SshException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
