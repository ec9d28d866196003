package dev.forgepreview.cli;

import dev.forgepreview.workflows.ForgeResources;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "status",
    description =
        "One preview's status (the workflow's status query): phase, URL, commit, expiry, Forge"
            + " resources, every step, warnings, and after a rollback the failed step and what was"
            + " rolled back.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Override
  public Integer call() {
    CliContext context = root.context;
    String id = target.workflowId(context);
    PreviewStatus status = new Previews(context).queryStatus(id);
    if (root.output == Output.JSON) {
      context.out.println(Output.json(status));
    } else {
      context.out.print(render(status, context.clock.instant()));
    }
    return ExitCodes.OK;
  }

  static String render(PreviewStatus s, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(
        List.of("preview", s.previewId() + "  (" + s.repository() + "#" + s.pullRequest() + ")"));
    rows.add(List.of("phase", String.valueOf(s.phase())));
    rows.add(List.of("url", blank(s.previewUrl())));
    rows.add(List.of("branch", blank(s.branch())));
    rows.add(
        List.of(
            "commit",
            blank(s.headSha())
                + (s.deployedSha() == null ? "" : "  (deployed " + s.deployedSha() + ")")));
    if (s.expiresAt() != null) {
      Instant expiry = Instant.parse(s.expiresAt());
      rows.add(
          List.of(
              "expires",
              Output.minutes(expiry)
                  + "  (in "
                  + Output.duration(Duration.between(now, expiry))
                  + ")"));
    } else {
      rows.add(List.of("expires", "-"));
    }
    rows.add(List.of("deployments", Integer.toString(s.deployments())));
    rows.add(List.of("forge", resources(s.resources())));
    if (s.failedStep() != null) {
      rows.add(List.of("failed step", s.failedStep()));
      rows.add(List.of("reason", blank(s.failureReason())));
    }
    if (s.rolledBack() != null && !s.rolledBack().isEmpty()) {
      rows.add(List.of("rolled back", String.join(", ", s.rolledBack())));
    }
    StringBuilder out = new StringBuilder(Output.pairs(rows));
    if (s.warnings() != null && !s.warnings().isEmpty()) {
      out.append("\nwarnings:\n");
      for (String warning : s.warnings()) {
        out.append("  - ").append(warning).append('\n');
      }
    }
    if (s.steps() != null && !s.steps().isEmpty()) {
      out.append('\n');
      List<List<String>> steps = new ArrayList<>();
      for (StepRecord step : s.steps()) {
        steps.add(
            List.of(
                step.name(),
                String.valueOf(step.state()),
                Integer.toString(step.attempts()),
                blank(step.message())));
      }
      out.append(Output.table(List.of("STEP", "STATE", "ATTEMPTS", "MESSAGE"), steps));
    }
    return out.toString();
  }

  private static String resources(ForgeResources r) {
    if (r == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    if (r.serverId() != null) {
      parts.add("server " + r.serverId() + (r.serverIp() == null ? "" : " (" + r.serverIp() + ")"));
    }
    add(parts, "site", r.siteId());
    add(parts, "database", r.databaseId());
    add(parts, "user", r.databaseUserId());
    add(parts, "worker", r.workerId());
    add(parts, "certificate", r.certificateId());
    add(parts, "deployment", r.deploymentId());
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static void add(List<String> parts, String name, Long id) {
    if (id != null) {
      parts.add(name + " " + id);
    }
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? "-" : value;
  }
}
