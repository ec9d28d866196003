package dev.forgepreview.cli;

import dev.forgepreview.settings.Env;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code bin/forge-preview}: the operator's commands, configured like the worker. */
@Command(
    name = "forge-preview",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = ForgePreviewCli.Version.class,
    sortOptions = false,
    description = {
      "Operate forge-preview: install the GitHub webhooks, list and inspect previews, steer them,"
          + " run the cleanup and check the installation.",
      "Configured like the worker: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*,"
          + " FORGE_PREVIEW_REPOSITORIES_FILE, FORGE_API_URL, FORGE_API_TOKEN(_FILE), GITHUB_TOKEN(_FILE)"
          + " or GITHUB_APP_*, GITHUB_API_URL, SSH_*; setup also FORGE_PREVIEW_WEBHOOK_URL and"
          + " GITHUB_WEBHOOK_SECRET(_FILE)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; for doctor and setup --check: nothing wrong",
      "1:doctor found a problem, or setup --check found drift",
      "2:bad command line",
      "3:configuration missing or invalid",
      "4:no such preview",
      "5:Temporal, Forge or GitHub unreachable or refusing"
    },
    subcommands = {
      SetupCommand.class,
      ListCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      DestroyCommand.class,
      ExtendCommand.class,
      RedeployCommand.class,
      CleanupCommand.class,
      SnapshotCommand.class,
      CredentialsCommand.class,
      DoctorCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ForgePreviewCli implements Callable<Integer> {
  final CliContext context;

  @Option(
      names = "--output",
      scope = ScopeType.INHERIT,
      paramLabel = "text|json",
      description = "text (default) or json: one JSON document on stdout")
  Output output = Output.TEXT;

  ForgePreviewCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(context.out);
    return ExitCodes.USAGE;
  }

  public static void main(String[] args) {
    // Before any logger exists: the worker's logback.xml (on the class path too) logs INFO to
    // stdout, which is the command's output here.
    System.setProperty("logback.configurationFile", "forge-preview-cli-logback.xml");
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(new Env(System.getenv()), Clock.systemUTC(), out, err, args));
  }

  /** Runs one command line; returns its exit code. Nothing here calls {@code System.exit}. */
  static int run(Env env, Clock clock, PrintWriter out, PrintWriter err, String... args) {
    try (CliContext context = new CliContext(env, clock, out, err)) {
      CommandLine line = new CommandLine(new ForgePreviewCli(context));
      line.setCaseInsensitiveEnumValuesAllowed(true);
      line.setOut(out);
      line.setErr(err);
      line.setExecutionExceptionHandler(
          (e, cmd, parsed) -> {
            if (e instanceof CliException cli) {
              err.println("forge-preview: " + cli.getMessage());
              return cli.exitCode();
            }
            err.println(
                "forge-preview: "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return ExitCodes.UNAVAILABLE;
          });
      int code = line.execute(args);
      out.flush();
      err.flush();
      return code;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ForgePreviewCli.class.getPackage().getImplementationVersion();
      return new String[] {"forge-preview " + (version == null ? "(development build)" : version)};
    }
  }
}
