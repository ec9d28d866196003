package dev.forgepreview.cli;

import dev.forgepreview.activities.forge.ForgeAuthenticationException;
import dev.forgepreview.activities.forge.ForgeException;
import dev.forgepreview.activities.github.GitHubException;
import dev.forgepreview.activities.github.GitHubModels.Hook;
import dev.forgepreview.activities.github.GitHubModels.HookDelivery;
import dev.forgepreview.activities.github.GitHubModels.TokenInfo;
import dev.forgepreview.activities.ssh.SshConnection;
import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshException;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewSettings;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "doctor",
    description = {
      "Check the installation: Temporal reachable, namespace and search attributes, the cleanup"
          + " schedule, the Forge token, the GitHub token's scopes or the App's installations, the"
          + " SSH key and pinned host keys (by connecting to each master database host), and each"
          + " repository's recent webhook deliveries with their failures.",
      "Exit 1 when a check fails; warnings do not change the exit code."
    })
final class DoctorCommand implements Callable<Integer> {
  private static final Map<String, IndexedValueType> SEARCH_ATTRIBUTES =
      Map.of(
          PreviewIds.REPOSITORY.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          PreviewIds.PULL_REQUEST.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT,
          PreviewIds.PHASE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          PreviewIds.QUEUE_POSITION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);

  @ParentCommand ForgePreviewCli root;

  @Option(
      names = "--deliveries",
      paramLabel = "N",
      description = "how many recent webhook deliveries to read per repository (default 25)")
  int deliveries = 25;

  enum State {
    OK,
    WARN,
    FAIL
  }

  record Check(String name, State state, String detail) {}

  @Override
  public Integer call() {
    CliContext context = root.context;
    List<Check> checks = new ArrayList<>();
    List<String> repositories = repositories(context, checks);
    boolean temporal = temporal(context, checks);
    if (temporal) {
      schedule(context, checks);
    }
    forge(context, checks);
    github(context, repositories, checks);
    ssh(context, checks);
    notifications(context, checks);
    if (root.output == Output.JSON) {
      context.out.println(Output.json(checks));
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Check check : checks) {
        rows.add(List.of(check.state().name(), check.name(), check.detail()));
      }
      context.out.print(Output.table(null, rows));
      long failed = checks.stream().filter(c -> c.state() == State.FAIL).count();
      long warned = checks.stream().filter(c -> c.state() == State.WARN).count();
      context.out.println(
          "\n" + (failed == 0 ? "no problems" : failed + " failed") + ", " + warned + " warnings");
    }
    return checks.stream().anyMatch(c -> c.state() == State.FAIL)
        ? ExitCodes.PROBLEMS
        : ExitCodes.OK;
  }

  private static List<String> repositories(CliContext context, List<Check> checks) {
    try {
      List<String> names = context.repositoryNames();
      checks.add(
          new Check(
              "repositories file",
              names.isEmpty() ? State.WARN : State.OK,
              names.isEmpty() ? "no repository configured" : String.join(", ", names)));
      return names;
    } catch (CliException e) {
      checks.add(new Check("repositories file", State.FAIL, e.getMessage()));
      return List.of();
    }
  }

  private static boolean temporal(CliContext context, List<Check> checks) {
    String where = context.temporalAddress() + " namespace " + context.namespace();
    try {
      var system =
          context
              .service()
              .blockingStub()
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      checks.add(
          new Check(
              "temporal",
              State.OK,
              context.temporalAddress()
                  + " reachable"
                  + (system.getServerVersion().isEmpty()
                      ? ""
                      : " (server " + system.getServerVersion() + ")")));
    } catch (RuntimeException e) {
      checks.add(
          new Check(
              "temporal", State.FAIL, context.temporalAddress() + " unreachable: " + grpc(e)));
      return false;
    }
    try {
      context
          .service()
          .blockingStub()
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeNamespace(
              DescribeNamespaceRequest.newBuilder().setNamespace(context.namespace()).build());
      checks.add(new Check("namespace", State.OK, where + " exists"));
    } catch (RuntimeException e) {
      checks.add(new Check("namespace", State.FAIL, where + ": " + grpc(e)));
      return false;
    }
    OperatorServiceStubs operator = context.operator();
    try {
      Map<String, IndexedValueType> registered =
          operator
              .blockingStub()
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder()
                      .setNamespace(context.namespace())
                      .build())
              .getCustomAttributesMap();
      List<String> missing = new ArrayList<>();
      SEARCH_ATTRIBUTES.forEach(
          (name, type) -> {
            if (registered.get(name) != type) {
              missing.add(name + " (" + type.name().replace("INDEXED_VALUE_TYPE_", "") + ")");
            }
          });
      checks.add(
          missing.isEmpty()
              ? new Check(
                  "search attributes",
                  State.OK,
                  "PreviewRepository, PreviewPullRequest, PreviewPhase, PreviewQueuePosition"
                      + " registered")
              : new Check(
                  "search attributes",
                  State.FAIL,
                  "missing "
                      + String.join(", ", missing.stream().sorted().toList())
                      + ": temporal operator search-attribute create (see the README)"));
      // Optional: only previews waiting for admission carry it, and list shows "-" without it.
      checks.add(
          registered.get(PreviewIds.QUEUE_POSITION.getName())
                  == IndexedValueType.INDEXED_VALUE_TYPE_INT
              ? new Check(
                  "queue position", State.OK, PreviewIds.QUEUE_POSITION.getName() + " registered")
              : new Check(
                  "queue position",
                  State.WARN,
                  PreviewIds.QUEUE_POSITION.getName()
                      + " (Int) is not registered: list shows no queue positions"));
    } catch (RuntimeException e) {
      checks.add(
          new Check(
              "search attributes",
              State.FAIL,
              "cannot list them: " + grpc(e) + " (the Java test server has no visibility)"));
    } finally {
      operator.shutdownNow();
    }
    return true;
  }

  private static void schedule(CliContext context, List<Check> checks) {
    try {
      ScheduleDescription description =
          context.schedules().getHandle(PreviewIds.CLEANUP_SCHEDULE_ID).describe();
      List<ScheduleActionResult> recent = description.getInfo().getRecentActions();
      Optional<Instant> last =
          recent.stream().map(ScheduleActionResult::getStartedAt).max(Instant::compareTo);
      List<Instant> next = description.getInfo().getNextActionTimes();
      boolean paused = description.getSchedule().getState().isPaused();
      String detail =
          PreviewIds.CLEANUP_SCHEDULE_ID
              + (paused ? " is PAUSED" : " present")
              + ", last run "
              + last.map(
                      t -> Output.duration(Duration.between(t, context.clock.instant())) + " ago")
                  .orElse("never")
              + (next.isEmpty() ? "" : ", next " + Output.minutes(next.get(0)));
      checks.add(new Check("cleanup schedule", paused ? State.WARN : State.OK, detail));
    } catch (RuntimeException e) {
      checks.add(
          new Check(
              "cleanup schedule",
              State.FAIL,
              PreviewIds.CLEANUP_SCHEDULE_ID
                  + " not found ("
                  + grpc(e)
                  + "): the worker creates it when it starts; is a worker running?"));
    }
  }

  private static void forge(CliContext context, List<Check> checks) {
    try {
      int servers = context.forge().listServers().size();
      checks.add(new Check("forge", State.OK, "token accepted (" + servers + " servers visible)"));
    } catch (CliException e) {
      checks.add(new Check("forge", State.FAIL, e.getMessage()));
    } catch (ForgeAuthenticationException e) {
      checks.add(new Check("forge", State.FAIL, "the token is not accepted: " + e.getMessage()));
    } catch (ForgeException e) {
      checks.add(new Check("forge", State.FAIL, e.getMessage()));
    }
  }

  private void github(CliContext context, List<String> repositories, List<Check> checks) {
    GitHubAccess github;
    try {
      github = GitHubAccess.from(context);
    } catch (CliException e) {
      checks.add(new Check("github", State.WARN, e.getMessage() + " (comments go to the log)"));
      return;
    }
    if (github.isApp()) {
      String jwt;
      try {
        jwt = github.jwt();
      } catch (CliException e) {
        checks.add(new Check("github app", State.FAIL, e.getMessage()));
        return;
      }
      for (String repository : repositories) {
        String[] parts = repository.split("/", 2);
        try {
          long id = github.client.findInstallationId(jwt, parts[0], parts[1]);
          checks.add(
              new Check(
                  "github app " + repository, State.OK, "installed (installation " + id + ")"));
        } catch (IOException | GitHubException e) {
          checks.add(
              new Check(
                  "github app " + repository,
                  State.FAIL,
                  "not usable: " + GitHubAccess.explain(e)));
        }
      }
      try {
        checks.add(
            deliveriesCheck(
                "webhook deliveries (App)", github.client.listAppHookDeliveries(jwt, deliveries)));
      } catch (IOException | GitHubException e) {
        checks.add(new Check("webhook deliveries (App)", State.WARN, GitHubAccess.explain(e)));
      }
      return;
    }
    if (repositories.isEmpty()) {
      return;
    }
    String[] first = repositories.get(0).split("/", 2);
    try {
      TokenInfo token = github.client.tokenInfo(first[0], first[1]);
      if (token.scopes() == null) {
        checks.add(
            new Check(
                "github token",
                State.WARN,
                "accepted (user "
                    + token.login()
                    + "); a fine-grained token: GitHub lists no scopes, the checks below show what"
                    + " it can read"));
      } else if (token.scopes().contains("repo")) {
        checks.add(
            new Check(
                "github token", State.OK, "user " + token.login() + ", scopes " + token.scopes()));
      } else {
        checks.add(
            new Check(
                "github token",
                State.FAIL,
                "user "
                    + token.login()
                    + " lacks the repo scope (comments, deployments, webhooks); scopes "
                    + token.scopes()));
      }
    } catch (IOException | GitHubException e) {
      checks.add(new Check("github token", State.FAIL, GitHubAccess.explain(e)));
      return;
    }
    String payloadUrl = context.env.get(CliContext.ENV_WEBHOOK_URL).orElse(null);
    for (String repository : repositories) {
      String[] parts = repository.split("/", 2);
      String name = "webhook " + repository;
      try {
        Optional<Hook> hook =
            github.client.listHooks(parts[0], parts[1]).stream()
                .filter(h -> h.config() != null)
                .filter(
                    h ->
                        payloadUrl != null
                            ? payloadUrl.equals(h.config().url())
                            : h.events() != null && h.events().contains("pull_request"))
                .findFirst();
        if (hook.isEmpty()) {
          checks.add(
              new Check(
                  name,
                  State.FAIL,
                  "no webhook"
                      + (payloadUrl == null ? " for pull_request events" : " to " + payloadUrl)
                      + ": run forge-preview setup"));
          continue;
        }
        List<String> drift = SetupCommand.drift(hook.get());
        if (!drift.isEmpty()) {
          checks.add(
              new Check(
                  name, State.WARN, "hook " + hook.get().id() + ": " + String.join("; ", drift)));
        }
        checks.add(
            deliveriesCheck(
                "deliveries " + repository,
                github.client.listHookDeliveries(parts[0], parts[1], hook.get().id(), deliveries)));
      } catch (IOException | GitHubException e) {
        checks.add(new Check(name, State.FAIL, GitHubAccess.explain(e)));
      }
    }
  }

  /** A failure: GitHub got no answer, or an answer other than 2xx. */
  private static Check deliveriesCheck(String name, List<HookDelivery> recent) {
    if (recent.isEmpty()) {
      return new Check(name, State.WARN, "no deliveries yet");
    }
    List<HookDelivery> failed =
        recent.stream()
            .filter(d -> d.statusCode() == null || d.statusCode() < 200 || d.statusCode() > 299)
            .toList();
    if (failed.isEmpty()) {
      return new Check(name, State.OK, recent.size() + " recent, none failed");
    }
    HookDelivery last = failed.get(0);
    String lastText =
        last.deliveredAt()
            + " "
            + last.event()
            + (last.action() == null ? "" : "." + last.action())
            + " answered "
            + (last.statusCode() == null || last.statusCode() == 0 ? "nothing" : last.statusCode())
            + (last.status() == null ? "" : " (" + last.status() + ")");
    return new Check(
        name,
        State.WARN,
        recent.size() + " recent, " + failed.size() + " failed; newest failure " + lastText);
  }

  private static void ssh(CliContext context, List<Check> checks) {
    boolean configured =
        context.env.get(SshSettings.ENV_PRIVATE_KEY_FILE).isPresent()
            || context.env.get(SshSettings.ENV_PRIVATE_KEY).isPresent();
    if (!configured) {
      checks.add(
          new Check(
              "ssh",
              State.WARN,
              "no SSH key: database clones and Redis flushes are skipped with a warning"));
      return;
    }
    SshSettings settings;
    try {
      settings = SshSettings.fromEnvironment(context.env.asMap());
    } catch (IllegalArgumentException e) {
      checks.add(new Check("ssh", State.FAIL, e.getMessage()));
      return;
    }
    checks.add(
        new Check(
            "ssh",
            State.OK,
            "key configured, host keys pinned by "
                + (settings.knownHostsFile() != null
                    ? "known_hosts " + settings.knownHostsFile()
                    : settings.hostKeyFingerprints().size() + " fingerprint(s)")));
    List<PreviewSettings> withMaster;
    try {
      withMaster =
          context.repositories().all().stream().filter(s -> s.masterDatabase() != null).toList();
    } catch (CliException e) {
      return;
    }
    SshConnector connector = new SshConnector(settings);
    for (PreviewSettings repository : withMaster) {
      var master = repository.masterDatabase();
      String where = master.sshUser() + "@" + master.host() + ":" + master.sshPort();
      try (SshConnection connection =
          connector.connect(master.host(), master.sshPort(), master.sshUser())) {
        checks.add(
            new Check(
                "ssh " + repository.repository(),
                State.OK,
                where + ": host key matches the pin, key accepted"));
      } catch (SshException e) {
        checks.add(new Check("ssh " + repository.repository(), State.FAIL, e.getMessage()));
      }
    }
  }

  /**
   * Each repository's notification URL resolves (its {@code ${env:NAME}} is set) to an http(s) URL;
   * nothing is sent. Shows the host only: the rest of the URL may be its secret.
   */
  private static void notifications(CliContext context, List<Check> checks) {
    List<PreviewSettings> notifying;
    try {
      notifying =
          context.repositories().all().stream().filter(s -> s.notifications() != null).toList();
    } catch (CliException e) {
      return;
    }
    for (PreviewSettings repository : notifying) {
      String name = "notifications " + repository.repository();
      var notifications = repository.notifications();
      try {
        String url =
            context
                .repositories()
                .notificationUrl(repository.repository(), context.env)
                .orElseThrow();
        okhttp3.HttpUrl parsed = okhttp3.HttpUrl.parse(url);
        if (parsed == null) {
          checks.add(new Check(name, State.FAIL, "the URL is not an http(s) URL"));
        } else {
          checks.add(
              new Check(
                  name,
                  State.OK,
                  notifications.format().name().toLowerCase(java.util.Locale.ROOT)
                      + " to "
                      + parsed.host()
                      + " on "
                      + notifications.events()));
        }
      } catch (ConfigurationException e) {
        checks.add(new Check(name, State.FAIL, e.getMessage()));
      }
    }
  }

  private static String grpc(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException s) {
        return s.getStatus().getCode()
            + (s.getStatus().getDescription() == null ? "" : ": " + s.getStatus().getDescription());
      }
    }
    return Previews.innermost(e);
  }
}
