package dev.forgepreview.cli;

import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.PreviewIds;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "destroy",
    description =
        "Tear the preview down now (the destroy signal): everything on Forge is removed, the PR"
            + " comment and deployment say so.")
final class DestroyCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Option(names = "--reason", description = "recorded in the status and the PR comment")
  String reason = "destroyed by an operator";

  @Override
  public Integer call() {
    CliContext context = root.context;
    String id = target.workflowId(context);
    new Previews(context)
        .signal(
            id, PreviewIds.SIGNAL_DESTROY, new DestroySignal(reason, Signals.requestedBy(context)));
    if (root.output == Output.JSON) {
      context.out.println(
          Output.json(Map.of("previewId", id, "signal", PreviewIds.SIGNAL_DESTROY)));
    } else {
      context.out.println(
          "destroy sent to " + id + "; follow it with: forge-preview status " + target.number);
    }
    return ExitCodes.OK;
  }
}
