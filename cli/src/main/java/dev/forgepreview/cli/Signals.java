package dev.forgepreview.cli;

/** Who sent a signal from the CLI, as the workflow records it ({@code requestedBy}). */
final class Signals {
  private Signals() {}

  static String requestedBy(CliContext context) {
    return "forge-preview CLI (" + context.env.get("USER", "unknown user") + ")";
  }
}
