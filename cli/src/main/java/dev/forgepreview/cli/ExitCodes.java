package dev.forgepreview.cli;

/** The CLI's exit codes (the README lists them). */
final class ExitCodes {
  /** Done; for {@code doctor} and {@code setup --check}: nothing wrong. */
  static final int OK = 0;

  /** A check found something wrong ({@code doctor}, {@code setup --check} drift). */
  static final int PROBLEMS = 1;

  /** Bad command line (picocli's usage errors). */
  static final int USAGE = 2;

  /** Configuration missing or invalid (environment, repositories file). */
  static final int CONFIGURATION = 3;

  /** The preview (or the repository) does not exist. */
  static final int NOT_FOUND = 4;

  /** Temporal, Forge or GitHub could not be reached or refused the call. */
  static final int UNAVAILABLE = 5;

  private ExitCodes() {}
}
