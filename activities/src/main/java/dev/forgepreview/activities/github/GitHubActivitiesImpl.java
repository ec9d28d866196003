package dev.forgepreview.activities.github;

import dev.forgepreview.activities.github.GitHubModels.CollaboratorPermission;
import dev.forgepreview.activities.github.GitHubModels.Deployment;
import dev.forgepreview.activities.github.GitHubModels.DeploymentStatus;
import dev.forgepreview.activities.github.GitHubModels.IssueComment;
import dev.forgepreview.activities.github.GitHubModels.NewDeployment;
import dev.forgepreview.activities.github.GitHubModels.NewDeploymentStatus;
import dev.forgepreview.activities.github.GitHubModels.PullRequest;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateFailure;
import dev.forgepreview.workflows.activities.GitHubActivities;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull request's side of a preview over the GitHub REST API: one comment updated in place, and
 * a deployment of the head sha in {@code preview/pr-<number>} whose status follows the phase. Every
 * call is idempotent, so a retried activity never posts twice.
 */
public final class GitHubActivitiesImpl implements GitHubActivities {
  private static final Logger log = LoggerFactory.getLogger(GitHubActivitiesImpl.class);

  /** GitHub owner and repository names: letters, digits, {@code -}, {@code _}, {@code .}. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final int MAX_DESCRIPTION = 140;

  /** How long an answer about a commenter's permission is reused. */
  static final Duration PERMISSION_CACHE = Duration.ofSeconds(60);

  /** Roles that may run comment commands. */
  private static final Set<String> WRITE_ROLES = Set.of("admin", "maintain", "write");

  /** GitHub logins: letters, digits and single hyphens; {@code [bot]} for Apps. */
  private static final Pattern LOGIN =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\\[bot\\])?");

  private static final Pattern REPLY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final GitHubClient client;
  private final PreviewFiles previewFiles;
  private final Clock clock;
  private final ConcurrentMap<String, CachedPermission> permissions = new ConcurrentHashMap<>();
  private volatile String botLogin;

  public GitHubActivitiesImpl(GitHubClient client) {
    this(client, Clock.systemUTC());
  }

  /**
   * @param clock ages the cached permission answers
   */
  public GitHubActivitiesImpl(GitHubClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.previewFiles = new PreviewFiles(client);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record CachedPermission(CommenterPermission answer, Instant expiresAt) {}

  /** The deployment environment of a pull request's preview. */
  public static String environment(int pullRequest) {
    return "preview/pr-" + pullRequest;
  }

  @Override
  public PullRequestHead resolvePullRequest(PullRequestRef request) {
    PullRequestRef ref = validated(request);
    try {
      PullRequest pr = client.getPullRequest(ref.owner(), ref.repo(), ref.number());
      if (pr.head() == null
          || pr.head().ref() == null
          || pr.head().sha() == null
          || pr.state() == null) {
        throw new GitHubBadResponseException(
            "GET pull request " + describe(ref) + " returned no head ref, sha or state");
      }
      // head.repo is null when the fork was deleted.
      String headRepository = pr.head().repo() == null ? null : pr.head().repo().fullName();
      return new PullRequestHead(pr.head().ref(), pr.head().sha(), headRepository, pr.state());
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
  }

  @Override
  public PreviewFileContent readPreviewFile(ReadPreviewFileRequest request) {
    if (request == null) {
      throw GitHubFailures.invalidInput("readPreviewFile needs a request");
    }
    PullRequestRef ref = validated(request.pullRequest());
    String path = request.path();
    String sha = request.sha();
    java.util.List<String> allow = request.allow() == null ? java.util.List.of() : request.allow();
    try {
      PullRequest pr = client.getPullRequest(ref.owner(), ref.repo(), ref.number());
      String base = ref.owner() + "/" + ref.repo();
      // head.repo is null when the fork was deleted: a fork too.
      String head =
          pr.head() == null || pr.head().repo() == null ? null : pr.head().repo().fullName();
      boolean fork = head == null || !head.equalsIgnoreCase(base);
      Optional<byte[]> content = previewFiles.fetch(ref.owner(), ref.repo(), path, sha);
      if (content.isEmpty()) {
        log.info("{}: no {} at {}", describe(ref), path, sha);
        return new PreviewFileContent(
            path,
            sha,
            false,
            null,
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of());
      }
      if (fork) {
        log.warn("{}: {} ignored, the pull request comes from a fork", describe(ref), path);
        return new PreviewFileContent(
            path,
            sha,
            true,
            "the pull request comes from a fork ("
                + (head == null ? "deleted" : head)
                + "), whose file may set nothing",
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of());
      }
      PreviewFile file = PreviewFile.parse(path, content.get());
      java.util.List<String> notAllowed =
          file.parts().stream().filter(part -> !allow.contains(part)).toList();
      PreviewFileContent answer =
          new PreviewFileContent(
              path,
              sha,
              true,
              null,
              allow.contains("environment")
                  ? java.util.List.copyOf(file.environment().keySet())
                  : java.util.List.of(),
              allow.contains("setup") ? file.setup() : java.util.List.of(),
              allow.contains("deploy") ? file.deploy() : java.util.List.of(),
              notAllowed,
              allow.contains("services")
                  ? java.util.List.copyOf(file.services().keySet())
                  : java.util.List.of());
      log.info(
          "{}: {} at {}: environment keys {}, {} setup and {} deploy commands, services {}, not"
              + " allowed {}",
          describe(ref),
          path,
          sha,
          answer.environmentKeys(),
          answer.setup().size(),
          answer.deploy().size(),
          answer.services(),
          notAllowed);
      return answer;
    } catch (PreviewFile.InvalidPreviewFileException e) {
      throw GitHubFailures.invalidInput(e.getMessage());
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
  }

  @Override
  public void publishStatus(PublishStatusRequest request) {
    if (request == null || request.status() == null || request.status().phase() == null) {
      throw GitHubFailures.invalidInput("publishStatus needs a pull request and a status");
    }
    PullRequestRef ref = validated(request.pullRequest());
    PreviewStatus status = request.status();
    if (status.headSha() != null && !SHA.matcher(status.headSha()).matches()) {
      throw GitHubFailures.invalidInput("the head sha is not a commit sha");
    }
    try {
      String commentUrl = publishComment(ref, status);
      publishDeployment(ref, status, commentUrl);
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
  }

  @Override
  public CommenterPermission commenterPermission(PermissionRequest request) {
    if (request == null || request.login() == null || !LOGIN.matcher(request.login()).matches()) {
      throw GitHubFailures.invalidInput("commenterPermission needs a valid GitHub login");
    }
    PullRequestRef ref = validated(new PullRequestRef(request.owner(), request.repo(), 1));
    String key = (ref.owner() + "/" + ref.repo() + "/" + request.login()).toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    CachedPermission cached = permissions.get(key);
    if (cached != null && now.isBefore(cached.expiresAt())) {
      return cached.answer();
    }
    try {
      String role =
          client
              .collaboratorPermission(ref.owner(), ref.repo(), request.login())
              .map(GitHubActivitiesImpl::role)
              .orElse("none");
      CommenterPermission answer =
          new CommenterPermission(request.login(), role, WRITE_ROLES.contains(role));
      permissions.put(key, new CachedPermission(answer, now.plus(PERMISSION_CACHE)));
      log.info(
          "{} has {} on {}/{}: comment commands {}",
          request.login(),
          role,
          ref.owner(),
          ref.repo(),
          answer.allowed() ? "allowed" : "refused");
      return answer;
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
  }

  /** The role name where GitHub sends one (it tells maintain from write), else the level. */
  private static String role(CollaboratorPermission permission) {
    String role =
        permission.roleName() != null && !permission.roleName().isBlank()
            ? permission.roleName()
            : permission.permission();
    return role == null ? "none" : role.toLowerCase(Locale.ROOT);
  }

  @Override
  public void refuseCommand(RefuseCommandRequest request) {
    if (request == null
        || request.replyId() == null
        || !REPLY_ID.matcher(request.replyId()).matches()
        || request.command() == null
        || !request.command().matches("/[a-z]{1,20}")) {
      throw GitHubFailures.invalidInput("refuseCommand needs a reply id and a command");
    }
    PullRequestRef ref = validated(request.pullRequest());
    String marker = "<!-- forge-preview:reply:" + request.replyId() + " -->";
    String who =
        request.login() != null && LOGIN.matcher(request.login()).matches()
            ? "@" + request.login()
            : "The commenter";
    String body =
        marker
            + "\n"
            + who
            + ": `"
            + request.command()
            + "` was not run: it "
            + CommentRenderer.escape(request.why() == null ? "was refused" : request.why())
            + ". Comment commands need write, maintain or admin access to this repository.\n";
    try {
      Optional<IssueComment> existing =
          client.findIssueComment(
              ref.owner(),
              ref.repo(),
              ref.number(),
              c -> c.body() != null && c.body().contains(marker) && ours(c));
      if (existing.isPresent()) {
        log.debug("The refusal {} is already on {}", request.replyId(), describe(ref));
        return;
      }
      client.createIssueComment(ref.owner(), ref.repo(), ref.number(), body);
      log.info("Refused {} by {} on {}", request.command(), request.login(), describe(ref));
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
  }

  /**
   * Whether we wrote the comment: its author is our token's user or our App's bot. Anyone can paste
   * the hidden marker into a comment of their own; only ours is ever updated.
   */
  private boolean ours(IssueComment comment) throws IOException, GitHubException {
    String login = botLogin;
    if (login == null) {
      login = client.botLogin();
      botLogin = login;
    }
    if (comment.user() != null && login.equalsIgnoreCase(comment.user().login())) {
      return true;
    }
    return comment.performedViaGithubApp() != null
        && comment.performedViaGithubApp().slug() != null
        && login.equalsIgnoreCase(comment.performedViaGithubApp().slug() + "[bot]");
  }

  /** Returns the comment's address, or null when GitHub sent none. */
  private String publishComment(PullRequestRef ref, PreviewStatus status)
      throws IOException, GitHubException {
    String previewId = PreviewIds.workflowId(ref.owner(), ref.repo(), ref.number());
    String marker = CommentRenderer.marker(previewId);
    String body = CommentRenderer.render(previewId, status);
    Optional<IssueComment> existing =
        client.findIssueComment(
            ref.owner(),
            ref.repo(),
            ref.number(),
            c -> c.body() != null && c.body().contains(marker) && ours(c));
    if (existing.isEmpty()) {
      IssueComment created = client.createIssueComment(ref.owner(), ref.repo(), ref.number(), body);
      log.info(
          "Created the preview comment {} on {} ({})", created.id(), describe(ref), status.phase());
      return created.htmlUrl();
    } else if (!body.equals(existing.get().body())) {
      client.updateIssueComment(ref.owner(), ref.repo(), existing.get().id(), body);
      log.info(
          "Updated the preview comment {} on {} ({})",
          existing.get().id(),
          describe(ref),
          status.phase());
    } else {
      log.debug("The preview comment on {} is up to date", describe(ref));
    }
    return existing.get().htmlUrl();
  }

  private void publishDeployment(PullRequestRef ref, PreviewStatus status, String commentUrl)
      throws IOException, GitHubException {
    String environment = environment(ref.number());
    String state = deploymentState(status.phase());
    if ("inactive".equals(state)) {
      // Teardown marks what exists inactive; it never creates a deployment just to retire it.
      Set<String> shas = new LinkedHashSet<>();
      addSha(shas, status.headSha());
      addSha(shas, status.deployedSha());
      for (String sha : shas) {
        Optional<Deployment> deployment =
            client.findDeployment(ref.owner(), ref.repo(), sha, environment);
        if (deployment.isPresent()) {
          setStatus(ref, deployment.get(), state, null, description(status), null);
        }
      }
      return;
    }
    UpdateFailure failure = status.lastUpdateFailure();
    boolean headFailed = false;
    if (failure != null && failure.sha() != null && SHA.matcher(failure.sha()).matches()) {
      // The failed commit's deployment says so; the one that is really deployed keeps its success.
      Deployment failed = findOrCreateDeployment(ref, failure.sha(), environment);
      setStatus(ref, failed, "failure", null, updateFailure(failure), safeUrl(commentUrl));
      headFailed = failure.sha().equals(status.headSha());
    }
    if (status.headSha() == null) {
      log.debug("No head sha yet for {}: no deployment", describe(ref));
      return;
    }
    if (headFailed && "success".equals(state)) {
      return;
    }
    Deployment deployment = findOrCreateDeployment(ref, status.headSha(), environment);
    String url = "success".equals(state) ? safeUrl(status.previewUrl()) : null;
    String logUrl = "failure".equals(state) ? safeUrl(commentUrl) : null;
    setStatus(ref, deployment, state, url, description(status), logUrl);
  }

  private Deployment findOrCreateDeployment(PullRequestRef ref, String sha, String environment)
      throws IOException, GitHubException {
    Optional<Deployment> existing =
        client.findDeployment(ref.owner(), ref.repo(), sha, environment);
    if (existing.isPresent()) {
      return existing.get();
    }
    Deployment created =
        client.createDeployment(
            ref.owner(),
            ref.repo(),
            NewDeployment.preview(sha, environment, "forge-preview of " + describe(ref)));
    log.info("Created deployment {} of {} in {}", created.id(), sha, environment);
    return created;
  }

  private void setStatus(
      PullRequestRef ref,
      Deployment deployment,
      String state,
      String url,
      String description,
      String logUrl)
      throws IOException, GitHubException {
    Optional<DeploymentStatus> latest =
        client.latestDeploymentStatus(ref.owner(), ref.repo(), deployment.id());
    if (latest.isPresent()
        && state.equals(latest.get().state())
        && (url == null || url.equals(latest.get().environmentUrl()))) {
      log.debug("Deployment {} is already {}", deployment.id(), state);
      return;
    }
    client.createDeploymentStatus(
        ref.owner(),
        ref.repo(),
        deployment.id(),
        new NewDeploymentStatus(state, url, description, logUrl));
    log.info("Deployment {} of {} is now {}", deployment.id(), describe(ref), state);
  }

  static String deploymentState(Phase phase) {
    return switch (phase) {
      case QUEUED -> "queued";
      case PROVISIONING, DEPLOYING, UPDATING -> "in_progress";
      case READY -> "success";
      case FAILED -> "failure";
      case DESTROYING, DESTROYED, TEARDOWN_FAILED -> "inactive";
    };
  }

  private static String description(PreviewStatus status) {
    String text =
        switch (status.phase()) {
          case QUEUED ->
              status.queue() == null
                  ? "Queued"
                  : "Queued, position "
                      + status.queue().position()
                      + " of "
                      + status.queue().length();
          case PROVISIONING -> "Provisioning the preview";
          case DEPLOYING -> "Deploying the preview";
          case UPDATING -> "Updating the preview";
          case READY -> "Preview ready";
          case FAILED ->
              "Preview failed" + (status.failedStep() == null ? "" : " at " + status.failedStep());
          case DESTROYING, DESTROYED -> "Preview destroyed";
          case TEARDOWN_FAILED -> "Preview torn down partly: see the pull request comment";
        };
    return fitDescription(text);
  }

  /**
   * E.g. "Update to 1a2b3c4 failed at wait-deployment#2: FAILED: deployment 12 of site 3 failed".
   */
  private static String updateFailure(UpdateFailure failure) {
    String sha = failure.sha().substring(0, Math.min(7, failure.sha().length()));
    String text = "Update to " + sha + " failed";
    if (failure.step() != null) {
      text += " at " + failure.step();
    }
    if (failure.reason() != null) {
      text += ": " + failure.reason();
    }
    return fitDescription(text);
  }

  /** One line of at most {@link #MAX_DESCRIPTION} characters (GitHub refuses longer ones). */
  static String fitDescription(String text) {
    String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
    if (line.codePointCount(0, line.length()) <= MAX_DESCRIPTION) {
      return line;
    }
    return line.substring(0, line.offsetByCodePoints(0, MAX_DESCRIPTION - 1)) + "…";
  }

  private static String safeUrl(String url) {
    return url != null && url.length() <= 2000 && url.matches("https?://\\S+") ? url : null;
  }

  private static void addSha(Set<String> shas, String sha) {
    if (sha != null && SHA.matcher(sha).matches()) {
      shas.add(sha);
    }
  }

  private static PullRequestRef validated(PullRequestRef ref) {
    if (ref == null
        || ref.owner() == null
        || ref.repo() == null
        || !NAME.matcher(ref.owner()).matches()
        || !NAME.matcher(ref.repo()).matches()
        || ref.number() <= 0) {
      throw GitHubFailures.invalidInput(
          "a pull request reference needs a valid owner, repository and a positive number");
    }
    return ref;
  }

  private static String describe(PullRequestRef ref) {
    return ref.owner() + "/" + ref.repo() + "#" + ref.number();
  }
}
