package dev.forgepreview.cli;

import dev.forgepreview.workflows.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "list",
    description =
        "Open previews, from Temporal's visibility (needs temporal server start-dev or a full"
            + " server): repository, pull request, phase, queue position (while QUEUED), URL, age"
            + " and expiry.")
final class ListCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;

  @Option(names = "--repo", paramLabel = "OWNER/NAME", description = "only this repository")
  String repo;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      description =
          "only previews in this phase (${COMPLETION-CANDIDATES}); FAILED and DESTROYED list"
              + " the runs that ended so")
  Phase phase;

  @Override
  public Integer call() {
    CliContext context = root.context;
    String repository = repo == null ? null : context.repository(repo);
    List<Previews.Listed> previews = new Previews(context).list(repository, phase);
    if (root.output == Output.JSON) {
      context.out.println(Output.json(previews));
      return ExitCodes.OK;
    }
    if (previews.isEmpty()) {
      context.out.println(
          (phase != null && phase.isFinal() ? "no previews" : "no open previews")
              + (repository == null ? "" : " of " + repository)
              + (phase == null ? "" : " in phase " + phase));
      return ExitCodes.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Previews.Listed p : previews) {
      rows.add(
          List.of(
              String.valueOf(p.repository()),
              "#" + p.pullRequest(),
              String.valueOf(p.phase()),
              p.queuePosition() == null ? "-" : String.valueOf(p.queuePosition()),
              p.url().isEmpty() ? "-" : p.url(),
              p.age(),
              p.expiresAt().isEmpty()
                  ? "-"
                  : Output.minutes(java.time.Instant.parse(p.expiresAt()))
                      + " (in "
                      + p.expiresIn()
                      + ")"));
    }
    context.out.print(
        Output.table(List.of("REPOSITORY", "PR", "PHASE", "QUEUE", "URL", "AGE", "EXPIRES"), rows));
    long unanswered = previews.stream().filter(p -> !p.answered()).count();
    if (unanswered > 0) {
      context.err.println(
          unanswered
              + " preview(s) did not answer the status query (is a worker running?): their phase"
              + " is visibility's, URL and expiry unknown");
    }
    return ExitCodes.OK;
  }
}
