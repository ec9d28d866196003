package dev.forgepreview.cli;

import dev.forgepreview.activities.forge.ForgeException;
import dev.forgepreview.activities.forge.ForgeNotFoundException;
import dev.forgepreview.workflows.ForgeResources;
import dev.forgepreview.workflows.PreviewStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "logs",
    description =
        "The whole log of the preview's last deployment, read from Forge (the status shows only"
            + " its end).")
final class LogsCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Override
  public Integer call() {
    CliContext context = root.context;
    String id = target.workflowId(context);
    PreviewStatus status = new Previews(context).queryStatus(id);
    ForgeResources resources = status.resources();
    if (resources == null || resources.serverId() == null || resources.siteId() == null) {
      throw CliException.notFound(id + " has no site on Forge (phase " + status.phase() + ")");
    }
    String log;
    try {
      log = context.forge().getDeploymentLog(resources.serverId(), resources.siteId());
    } catch (ForgeNotFoundException e) {
      throw CliException.notFound(
          "Forge has no deployment log for site " + resources.siteId() + " of " + id);
    } catch (ForgeException e) {
      throw CliException.unavailable("Forge refused the deployment log: " + e.getMessage());
    }
    if (root.output == Output.JSON) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("previewId", id);
      json.put("serverId", resources.serverId());
      json.put("siteId", resources.siteId());
      json.put("log", log);
      context.out.println(Output.json(json));
    } else {
      context.out.print(log.endsWith("\n") || log.isEmpty() ? log : log + "\n");
    }
    return ExitCodes.OK;
  }
}
