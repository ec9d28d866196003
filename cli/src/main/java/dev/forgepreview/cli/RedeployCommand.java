package dev.forgepreview.cli;

import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.UpdateSignal;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "redeploy",
    description =
        "Deploy the pull request's newest commit again, even when it is the one already"
            + " deployed: the update signal {\"force\": true} without a sha, so the workflow asks"
            + " GitHub for the head and deploys it.")
final class RedeployCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Override
  public Integer call() {
    CliContext context = root.context;
    String id = target.workflowId(context);
    new Previews(context)
        .signal(
            id,
            PreviewIds.SIGNAL_UPDATE,
            UpdateSignal.forced(null, "cli-" + UUID.randomUUID(), Signals.requestedBy(context)));
    if (root.output == Output.JSON) {
      context.out.println(Output.json(Map.of("previewId", id, "signal", PreviewIds.SIGNAL_UPDATE)));
    } else {
      context.out.println("redeploy sent to " + id);
    }
    return ExitCodes.OK;
  }
}
