package dev.forgepreview.cli;

/** A failure the CLI reports as one plain line and an exit code, never as a stack trace. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliException configuration(String message) {
    return new CliException(ExitCodes.CONFIGURATION, message);
  }

  static CliException notFound(String message) {
    return new CliException(ExitCodes.NOT_FOUND, message);
  }

  static CliException unavailable(String message) {
    return new CliException(ExitCodes.UNAVAILABLE, message);
  }
}
