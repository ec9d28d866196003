package dev.forgepreview.cli;

import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "cleanup",
    description =
        "Run the cleanup now (the same workflow the preview-cleanup schedule runs) and print what"
            + " it did: expired previews destroyed, orphaned Forge resources deleted.")
final class CleanupCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;

  @Option(names = "--dry-run", description = "report what would be done, touch nothing")
  boolean dryRun;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "give up waiting after this long (default PT10M)")
  Duration timeout = Duration.ofMinutes(10);

  @Override
  public Integer call() {
    CliContext context = root.context;
    String grace = context.env.get("CLEANUP_ORPHAN_GRACE", "PT2H");
    CleanupReport report = new Previews(context).cleanup(dryRun, grace, timeout);
    if (root.output == Output.JSON) {
      context.out.println(Output.json(report));
      return report.errors() == null || report.errors().isEmpty()
          ? ExitCodes.OK
          : ExitCodes.PROBLEMS;
    }
    String verb = report.dryRun() ? "would " : "";
    context.out.println(
        report.dryRun() ? "cleanup (dry run): nothing was changed" : "cleanup done");
    section(context, verb + "destroy expired previews", report.expiredPreviews());
    section(context, verb + "delete orphans", report.deletedOrphans());
    section(context, "orphans younger than " + grace + " (left alone)", report.youngOrphans());
    section(context, "errors", report.errors());
    return report.errors() == null || report.errors().isEmpty() ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }

  private static void section(CliContext context, String title, List<String> items) {
    List<String> list = items == null ? List.of() : items;
    context.out.println(title + ": " + (list.isEmpty() ? "none" : list.size()));
    for (String item : list) {
      context.out.println("  " + item);
    }
  }
}
