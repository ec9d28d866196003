package dev.forgepreview.cli;

import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.github.GitHubConfig;
import dev.forgepreview.activities.github.GitHubCredentials;
import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.settings.TemporalConnection;
import dev.forgepreview.settings.TemporalTls;
import dev.forgepreview.worker.WorkerConfig;
import dev.forgepreview.workflows.PreviewSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What every command reads: the worker's own configuration (the same environment variables and
 * repositories file, through the worker's classes), and the clients built from it, each made on
 * first use so a command needs only the settings it uses.
 */
final class CliContext implements AutoCloseable {
  static final String ENV_WEBHOOK_URL = "FORGE_PREVIEW_WEBHOOK_URL";
  static final String ENV_WEBHOOK_SECRET = "GITHUB_WEBHOOK_SECRET";

  final Env env;
  final Clock clock;
  final PrintWriter out;
  final PrintWriter err;
  private RepositorySettings repositories;
  private WorkflowServiceStubs service;
  private WorkflowClient client;

  CliContext(Env env, Clock clock, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  String temporalAddress() {
    return TemporalConnection.address(env);
  }

  String namespace() {
    return TemporalConnection.namespace(env);
  }

  /** The repositories file, validated exactly as the worker validates it. */
  RepositorySettings repositories() {
    if (repositories == null) {
      String file =
          env.get(RepositoriesFile.FILE_VARIABLE)
              .orElseThrow(
                  () ->
                      CliException.configuration(
                          "FORGE_PREVIEW_REPOSITORIES_FILE is not set (the worker's repositories"
                              + " file)"));
      try {
        repositories = RepositorySettings.load(Path.of(file));
      } catch (ConfigurationException e) {
        throw CliException.configuration(e.getMessage());
      }
    }
    return repositories;
  }

  List<String> repositoryNames() {
    return repositories().all().stream().map(PreviewSettings::repository).sorted().toList();
  }

  /** The repository a command is about: {@code --repo} when given, else the only configured one. */
  String repository(String option) {
    if (option != null) {
      if (!option.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
        throw new CliException(ExitCodes.USAGE, "--repo must look like owner/name: " + option);
      }
      return option;
    }
    List<String> names = repositoryNames();
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new CliException(
        ExitCodes.USAGE,
        names.isEmpty()
            ? "no repository is configured: pass --repo owner/name"
            : "more than one repository is configured ("
                + String.join(", ", names)
                + "): pass --repo");
  }

  WorkflowServiceStubs service() {
    if (service == null) {
      try {
        service =
            WorkflowServiceStubs.newServiceStubs(
                TemporalTls.fromEnvironment(env)
                    .apply(
                        WorkflowServiceStubsOptions.newBuilder()
                            .setTarget(temporalAddress())
                            .setRpcTimeout(Duration.ofSeconds(10)))
                    .build());
      } catch (ConfigurationException e) {
        throw CliException.configuration(e.getMessage());
      }
    }
    return service;
  }

  WorkflowClient client() {
    if (client == null) {
      client =
          WorkflowClient.newInstance(
              service(), WorkflowClientOptions.newBuilder().setNamespace(namespace()).build());
    }
    return client;
  }

  ScheduleClient schedules() {
    return ScheduleClient.newInstance(
        service(), ScheduleClientOptions.newBuilder().setNamespace(namespace()).build());
  }

  OperatorServiceStubs operator() {
    return OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder()
            .setChannel(service().getRawChannel())
            .validateAndBuildWithDefaults());
  }

  ForgeClient forge() {
    String token =
        secret("FORGE_API_TOKEN")
            .orElseThrow(
                () ->
                    CliException.configuration(
                        "FORGE_API_TOKEN (or FORGE_API_TOKEN_FILE) is not set"));
    return new ForgeClient(
        ForgeClientConfig.of(env.get("FORGE_API_URL", WorkerConfig.DEFAULT_FORGE_API_URL), token));
  }

  Optional<GitHubCredentials> gitHubCredentials() {
    try {
      return GitHubCredentials.fromEnvironment(env.asMap(), clock);
    } catch (IllegalArgumentException e) {
      throw CliException.configuration(e.getMessage());
    }
  }

  GitHubConfig gitHubConfig() {
    return GitHubConfig.fromEnvironment(env.asMap());
  }

  Optional<String> secret(String name) {
    try {
      return env.secret(name);
    } catch (ConfigurationException e) {
      throw CliException.configuration(e.getMessage());
    }
  }

  @Override
  public void close() {
    if (service != null) {
      service.shutdownNow();
    }
  }
}
