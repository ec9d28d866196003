package dev.forgepreview.cli;

import dev.forgepreview.workflows.PreviewIds;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code NUMBER [--repo OWNER/NAME]}: which preview a command is about. */
final class PreviewTarget {
  @Parameters(index = "0", paramLabel = "NUMBER", description = "the pull request number")
  int number;

  @Option(
      names = "--repo",
      paramLabel = "OWNER/NAME",
      description = "the repository; needed when more than one is configured")
  String repo;

  String repository(CliContext context) {
    if (number <= 0) {
      throw new CliException(ExitCodes.USAGE, "NUMBER must be a positive pull request number");
    }
    return context.repository(repo);
  }

  String workflowId(CliContext context) {
    String[] parts = repository(context).split("/", 2);
    return PreviewIds.workflowId(parts[0], parts[1], number);
  }
}
