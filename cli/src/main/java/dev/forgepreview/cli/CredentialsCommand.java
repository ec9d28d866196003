package dev.forgepreview.cli;

import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.BasicAuthCredentials.Credentials;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.worker.PreviewWorker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * Prints the basic auth user and password of a protected preview, worked out exactly as the worker
 * does (the repository's {@code basicAuth}, {@code ${env:NAME}} or the password derived from {@code
 * PREVIEW_SECRET_KEY}); asks neither Temporal nor Forge. The password appears only here, on the
 * operator's terminal.
 */
@Command(
    name = "credentials",
    description =
        "Print the basic auth user and password of a protected preview (needs"
            + " PREVIEW_SECRET_KEY and the repositories file, like the worker).")
final class CredentialsCommand implements Callable<Integer> {
  @ParentCommand ForgePreviewCli root;
  @Mixin PreviewTarget target;

  @Override
  public Integer call() {
    CliContext context = root.context;
    String repository = target.repository(context);
    String previewId = target.workflowId(context);
    String key =
        context
            .secret("PREVIEW_SECRET_KEY")
            .orElseThrow(
                () ->
                    CliException.configuration(
                        "PREVIEW_SECRET_KEY (or PREVIEW_SECRET_KEY_FILE) is not set: the worker's"
                            + " key, from which preview passwords are derived"));
    PreviewSecrets secrets;
    try {
      secrets = PreviewSecrets.fromString(key);
    } catch (IllegalArgumentException e) {
      throw CliException.configuration("PREVIEW_SECRET_KEY: " + e.getMessage());
    }
    BasicAuthCredentials credentials =
        PreviewWorker.basicAuthCredentials(secrets, context.env.asMap(), context::repositories);
    Credentials user;
    try {
      user =
          credentials
              .of(repository, previewId)
              .orElseThrow(
                  () ->
                      CliException.notFound(
                          repository
                              + " puts no basic auth in front of its previews (no basicAuth in"
                              + " the repositories file)"));
    } catch (BasicAuthCredentials.UnavailableException e) {
      throw CliException.configuration(e.getMessage());
    }
    if (root.output == Output.JSON) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("previewId", previewId);
      json.put("username", user.username());
      json.put("password", user.password());
      context.out.println(Output.json(json));
    } else {
      context.out.println("user:     " + user.username());
      context.out.println("password: " + user.password());
    }
    return ExitCodes.OK;
  }
}
