package dev.forgepreview.workflows;

/**
 * The end of a deployment log, where the error is: at most {@link #MAX_LINES} lines and {@link
 * #MAX_CHARS} characters. The one owner of that bound; the Forge activity cuts the log with it and
 * the workflow keeps it in the status, its details and the PR comment.
 */
public final class DeploymentLogTail {
  public static final int MAX_LINES = 40;
  public static final int MAX_CHARS = 4_000;

  private DeploymentLogTail() {}

  /** The last lines of {@code log}, clipped at the start when still too long; null stays null. */
  public static String of(String log) {
    if (log == null) {
      return null;
    }
    String[] lines = log.strip().split("\\R");
    StringBuilder tail = new StringBuilder();
    for (int i = Math.max(0, lines.length - MAX_LINES); i < lines.length; i++) {
      if (tail.length() > 0) {
        tail.append('\n');
      }
      tail.append(lines[i]);
    }
    return tail.length() <= MAX_CHARS
        ? tail.toString()
        : "…" + tail.substring(tail.length() - (MAX_CHARS - 1));
  }
}
