package dev.forgepreview.cli;

import dev.forgepreview.workflows.ExtendSignal;
import dev.forgepreview.workflows.PreviewIds;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "extend", description = "Push the preview's expiry out by TTL (the extend signal).")
final class ExtendCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Parameters(
      index = "1",
      paramLabel = "TTL",
      description = "an ISO-8601 duration, e.g. P3D or PT12H")
  String ttl;

  @Override
  public Integer call() {
    CliContext context = root.context;
    Duration duration;
    try {
      duration = Duration.parse(ttl);
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCodes.USAGE, "TTL must be an ISO-8601 duration like P3D: " + ttl);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new CliException(ExitCodes.USAGE, "TTL must be positive: " + ttl);
    }
    String id = target.workflowId(context);
    Previews previews = new Previews(context);
    previews.signal(id, PreviewIds.SIGNAL_EXTEND, new ExtendSignal(ttl));
    if (root.output == Output.JSON) {
      context.out.println(
          Output.json(Map.of("previewId", id, "signal", PreviewIds.SIGNAL_EXTEND, "ttl", ttl)));
    } else {
      context.out.println("extend " + ttl + " sent to " + id);
    }
    return ExitCodes.OK;
  }
}
