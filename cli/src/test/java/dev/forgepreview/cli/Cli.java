package dev.forgepreview.cli;

import dev.forgepreview.settings.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/**
 * Runs the CLI in this JVM with a given environment, capturing stdout, stderr and the exit code.
 */
final class Cli {
  record Result(int exitCode, String out, String err) {}

  private Cli() {}

  static Result run(Map<String, String> env, String... args) {
    return run(env, Clock.systemUTC(), args);
  }

  static Result run(Map<String, String> env, Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ForgePreviewCli.run(
            new Env(env), clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }
}
