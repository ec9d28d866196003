package dev.forgepreview.cli;

import dev.forgepreview.activities.github.GitHubException;
import dev.forgepreview.activities.github.GitHubHttpException;
import dev.forgepreview.activities.github.GitHubModels.Hook;
import dev.forgepreview.activities.github.GitHubModels.HookConfig;
import dev.forgepreview.activities.github.GitHubModels.HookRequest;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "setup",
    description = {
      "Install the gateway's webhook on every configured repository through GitHub's REST API:"
          + " payload URL, secret, content type json, events pull_request and issue_comment,"
          + " active. Idempotent: a matching webhook is left alone, a drifted one is updated.",
      "With a GitHub App (GITHUB_APP_ID) the App's own webhook is used: setup checks that the App"
          + " is installed on each repository and changes nothing."
    })
final class SetupCommand implements Callable<Integer> {
  static final List<String> EVENTS = List.of("issue_comment", "pull_request");

  @ParentCommand ForgePreviewCli root;

  @Option(names = "--check", description = "change nothing; report what differs (exit 1 on drift)")
  boolean check;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "the payload URL (default FORGE_PREVIEW_WEBHOOK_URL), e.g."
              + " https://previews.example.com/webhook/github")
  String url;

  @Option(
      names = "--force",
      description =
          "rewrite matching webhooks too (GitHub never shows a webhook's secret, so a rotated"
              + " GITHUB_WEBHOOK_SECRET is pushed only this way)")
  boolean force;

  /** What setup did (or, with --check, found) for one repository. */
  record Result(String repository, String action, Long hookId, List<String> drift, String detail) {}

  @Override
  public Integer call() {
    CliContext context = root.context;
    List<String> repositories = context.repositoryNames();
    GitHubAccess github = GitHubAccess.from(context);
    List<Result> results = new ArrayList<>();
    if (github.isApp()) {
      String jwt = github.jwt();
      for (String repository : repositories) {
        results.add(checkInstallation(github, jwt, repository));
      }
    } else {
      String payloadUrl = payloadUrl(context);
      String secret =
          context
              .secret(CliContext.ENV_WEBHOOK_SECRET)
              .orElseThrow(
                  () ->
                      CliException.configuration(
                          "GITHUB_WEBHOOK_SECRET (or GITHUB_WEBHOOK_SECRET_FILE) is not set: the"
                              + " gateway's webhook secret"));
      for (String repository : repositories) {
        results.add(reconcile(github, repository, payloadUrl, secret));
      }
    }
    print(context, github.isApp(), results);
    boolean failed = results.stream().anyMatch(r -> r.action().equals("error"));
    boolean problems =
        results.stream()
            .anyMatch(
                r ->
                    r.action().equals("not-installed")
                        || (check
                            && (r.action().equals("missing") || r.action().equals("drifted"))));
    return failed ? ExitCodes.UNAVAILABLE : problems ? ExitCodes.PROBLEMS : ExitCodes.OK;
  }

  private String payloadUrl(CliContext context) {
    String value =
        Optional.ofNullable(url)
            .or(() -> context.env.get(CliContext.ENV_WEBHOOK_URL))
            .orElseThrow(
                () ->
                    CliException.configuration(
                        "the payload URL is not set: pass --url or set FORGE_PREVIEW_WEBHOOK_URL"
                            + " (the gateway's public address + /webhook/github)"));
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw CliException.configuration("the payload URL is not a URL: " + value);
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw CliException.configuration("the payload URL must be http(s)://host/...: " + value);
    }
    return value;
  }

  private Result reconcile(
      GitHubAccess github, String repository, String payloadUrl, String secret) {
    String[] parts = repository.split("/", 2);
    HookRequest desired =
        new HookRequest("web", true, EVENTS, new HookConfig(payloadUrl, "json", secret, "0"));
    try {
      Optional<Hook> existing =
          github.client.listHooks(parts[0], parts[1]).stream()
              .filter(h -> h.config() != null && payloadUrl.equals(h.config().url()))
              .findFirst();
      if (existing.isEmpty()) {
        if (check) {
          return new Result(
              repository, "missing", null, List.of("no webhook to " + payloadUrl), "");
        }
        Hook created = github.client.createHook(parts[0], parts[1], desired);
        return new Result(repository, "created", created.id(), List.of(), payloadUrl);
      }
      Hook hook = existing.get();
      List<String> drift = drift(hook);
      if (drift.isEmpty() && !force) {
        return new Result(repository, "unchanged", hook.id(), drift, payloadUrl);
      }
      if (check) {
        return new Result(
            repository, drift.isEmpty() ? "unchanged" : "drifted", hook.id(), drift, payloadUrl);
      }
      github.client.updateHook(parts[0], parts[1], hook.id(), desired);
      return new Result(repository, "updated", hook.id(), drift, payloadUrl);
    } catch (IOException | GitHubException e) {
      return new Result(repository, "error", null, List.of(), GitHubAccess.explain(e));
    }
  }

  /** How a webhook differs from what setup installs (its secret GitHub never shows). */
  static List<String> drift(Hook hook) {
    List<String> drift = new ArrayList<>();
    if (!Boolean.TRUE.equals(hook.active())) {
      drift.add("inactive");
    }
    TreeSet<String> events = new TreeSet<>(hook.events() == null ? List.of() : hook.events());
    if (!events.equals(new TreeSet<>(EVENTS))) {
      drift.add("events " + events + " instead of " + EVENTS);
    }
    HookConfig config = hook.config();
    if (!"json".equals(config.contentType())) {
      drift.add("content type " + config.contentType() + " instead of json");
    }
    if (config.insecureSsl() != null && !"0".equals(config.insecureSsl())) {
      drift.add("TLS verification off");
    }
    if (config.secret() == null || config.secret().isBlank()) {
      drift.add("no secret");
    }
    return drift;
  }

  private Result checkInstallation(GitHubAccess github, String jwt, String repository) {
    String[] parts = repository.split("/", 2);
    try {
      long installation = github.client.findInstallationId(jwt, parts[0], parts[1]);
      return new Result(
          repository,
          "app-installed",
          null,
          List.of(),
          "installation " + installation + "; the App's own webhook delivers the events");
    } catch (GitHubHttpException e) {
      if (e.status() == 404) {
        return new Result(
            repository,
            "not-installed",
            null,
            List.of("the App is not installed on " + repository),
            "install it from the App's settings page");
      }
      return new Result(repository, "error", null, List.of(), GitHubAccess.explain(e));
    } catch (IOException | GitHubException e) {
      return new Result(repository, "error", null, List.of(), GitHubAccess.explain(e));
    }
  }

  private void print(CliContext context, boolean app, List<Result> results) {
    if (root.output == Output.JSON) {
      context.out.println(Output.json(results));
      return;
    }
    if (app) {
      context.out.println(
          "GitHub App credentials: the App's own webhook is used (its URL and secret are set in the"
              + " App's settings); checking the App's installation on each repository.");
    } else if (check) {
      context.out.println("checking webhooks (nothing is changed):");
    }
    List<List<String>> rows = new ArrayList<>();
    for (Result r : results) {
      String detail = r.drift().isEmpty() ? r.detail() : String.join("; ", r.drift());
      rows.add(
          List.of(
              r.repository(),
              r.action(),
              r.hookId() == null ? "-" : "hook " + r.hookId(),
              detail == null ? "" : detail));
    }
    context.out.print(Output.table(List.of("REPOSITORY", "RESULT", "HOOK", "DETAIL"), rows));
  }
}
