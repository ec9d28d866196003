package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Compensations.Resource;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.BasicAuthFor;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutResult;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeFile;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeUpRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compose backend's pipeline: a docker compose project per preview on a host of our own, every
 * step an activity over SSH ({@link ComposeActivities}). The same phases, step records and saga as
 * the Forge pipeline: each critical step registers its compensation (in {@link Compensations})
 * before it runs, and a failure surfaces as {@link StepRunner.StepFailed}.
 *
 * <p>Steps: check out the exact sha into the work directory (compensation: remove it and release
 * the port's claim), write the compose file, build and start (compensation: {@code down -v}), wait
 * for HTTP on the app's port, publish the nginx file, with basic auth when the repository asks for
 * it (compensation: remove it, its htpasswd file, and reload). The port comes from the host's
 * admission coordinator ({@link PreviewState#grantedPort}).
 */
final class ComposePipeline {
  private static final Duration SHORT_STEP = Duration.ofMinutes(10);
  private static final String DEFAULT_BUILD = "PT30M";
  private static final String DEFAULT_HEALTH = "PT5M";

  /**
   * Version 1: a repository with {@code basicAuth} gets an htpasswd file beside the preview's nginx
   * file and {@code auth_basic} in it; the password is looked up or derived inside the activity.
   */
  private static final String COMPOSE_BASIC_AUTH = "compose-basic-auth";

  /**
   * Version 1: a repository whose {@code previewFile.allow} holds {@code services} reads its
   * preview file at each deployed commit ({@code read-preview-file}, before the checkout) and the
   * compose file gets its extra services; only their names travel through history, the activity
   * writing the compose file reads the definitions again at the same sha. Repositories without it
   * never ask for this version.
   */
  static final String COMPOSE_SERVICES = "compose-services";

  private final PreviewState state;
  private final StepRunner steps;
  private final Compensations compensations;
  private final Runnable publish;

  ComposePipeline(
      PreviewState state, StepRunner steps, Compensations compensations, Runnable publish) {
    this.state = state;
    this.steps = steps;
    this.compensations = compensations;
    this.publish = publish;
  }

  void run() {
    PreviewSettings settings = state.settings;
    // The branch lives in the head repository: a fork's, for a pull request from a fork.
    String sourceRepository = settings.repository();
    if (state.branch == null || state.headSha == null) {
      PullRequestHead head =
          steps.critical(
              "resolve-pull-request",
              () ->
                  Workflow.newActivityStub(
                          GitHubActivities.class,
                          state.options.shortCall("Look up the pull request's head"))
                      .resolvePullRequest(state.pullRequestRef()));
      state.branch = head.branch();
      state.headSha = head.headSha();
      if (head.headRepository() != null) {
        sourceRepository = head.headRepository();
      }
    }
    int number = state.number();
    String project = ComposeNames.project(settings, number);
    ComposeHost host = settings.compose();
    state.compose =
        new ComposeResources(
            host.host(),
            project,
            state.grantedPort != null ? state.grantedPort : ComposeNames.port(settings, number),
            host.root() + "/" + project,
            null,
            null,
            sourceRepository);

    build(state.headSha, 1);

    // Basic auth only with the version that knows it: older runs publish the open site they did.
    boolean protect =
        settings.basicAuth() != null
            && Workflow.getVersion(COMPOSE_BASIC_AUTH, Workflow.DEFAULT_VERSION, 1) >= 1;
    compensations.register(Resource.NGINX_SITE);
    steps.critical(
        "publish-nginx-site",
        () -> {
          compose(
                  "6 Publish the nginx site of " + project + (protect ? " with basic auth" : ""),
                  SHORT_STEP)
              .publishNginxSite(
                  new NginxSiteRequest(
                      target(state, state.requestId("publish-nginx-site")),
                      nginxDomain(state),
                      settings.compose().routing() == Routing.PATH
                          ? ComposeNames.pathPrefix(number)
                          : null,
                      protect ? new BasicAuthFor(settings.repository(), state.previewId) : null));
          return null;
        });
    if (protect) {
      state.access = "basic auth, user " + settings.basicAuth().username();
    }
  }

  /** Every later update: the same checkout, compose file, build and health check. */
  void deploy(String sha) {
    build(sha, state.deployments + 1);
  }

  /** Steps 2 to 5. */
  private void build(String sha, int generation) {
    String suffix = generation == 1 ? "" : "#" + generation;
    String project = state.compose.project();
    // Before the checkout: a malformed file fails the first deployment with nothing to roll back.
    PreviewServices services = readPreviewFile("read-preview-file" + suffix, sha);
    if (generation == 1) {
      compensations.register(Resource.WORK_DIRECTORY);
    }
    String checkoutStep = "checkout-source" + suffix;
    CheckoutResult checkout =
        steps.critical(
            checkoutStep,
            () ->
                compose("2 Check out " + FailureText.shortSha(sha), SHORT_STEP)
                    .checkoutSource(
                        new CheckoutRequest(
                            target(state, state.requestId(checkoutStep)),
                            state.compose.repository(),
                            sha)));

    String renderStep = "write-compose-file" + suffix;
    ComposeFile file =
        steps.critical(
            renderStep,
            () ->
                compose("3 Write the compose file of " + project, SHORT_STEP)
                    .renderComposeFile(
                        new RenderComposeRequest(
                            target(state, state.requestId(renderStep)),
                            environment(),
                            state.settings.repository(),
                            services)));
    state.compose = state.compose.withComposeFile(file.path(), file.source());

    if (generation == 1) {
      compensations.register(Resource.COMPOSE_PROJECT);
      state.setPhase(Phase.DEPLOYING);
      publish.run();
    }
    String upStep = "compose-up" + suffix;
    Duration buildLimit = duration(state.settings.compose().build(), DEFAULT_BUILD);
    steps.critical(
        upStep,
        () -> {
          Workflow.newActivityStub(
                  ComposeActivities.class,
                  state.options.composeBuild("4 Build and start " + project, buildLimit))
              .composeUp(
                  new ComposeUpRequest(
                      target(state, state.requestId(upStep)),
                      file.path(),
                      environment(),
                      state.settings.repository()));
          return null;
        });

    String healthStep = "app-health" + suffix;
    Duration healthLimit = duration(state.settings.compose().health(), DEFAULT_HEALTH);
    steps.critical(
        healthStep,
        () ->
            Workflow.newActivityStub(
                    ComposeActivities.class,
                    state.options.composeHealth("5 Wait for HTTP from " + project, healthLimit))
                .awaitAppHealthy(target(state, state.requestId(healthStep))));

    state.deployments++;
    state.deploymentsThisRun++;
    state.deployedSha = checkout.sha();
    state.requestedSha = sha;
  }

  /**
   * Reads the preview file at {@code sha} when the repository allows its {@code services}
   * (critical: a malformed file fails the step with the file's line); the services' names, or null
   * for none.
   */
  private PreviewServices readPreviewFile(String step, String sha) {
    PreviewSettings.PreviewFile file = state.settings.previewFile();
    if (file == null
        || !file.allows(PreviewSettings.PreviewFilePart.SERVICES)
        || Workflow.getVersion(COMPOSE_SERVICES, Workflow.DEFAULT_VERSION, 1) < 1) {
      return null;
    }
    String path = file.pathOrDefault();
    PreviewFileContent content =
        steps.critical(
            step,
            () ->
                Workflow.newActivityStub(
                        GitHubActivities.class,
                        state.options.shortCall(
                            "Read " + path + " at " + FailureText.shortSha(sha)))
                    .readPreviewFile(
                        new ReadPreviewFileRequest(
                            state.requestId(step),
                            state.pullRequestRef(),
                            sha,
                            path,
                            file.allow().stream()
                                .map(PreviewSettings.PreviewFilePart::value)
                                .toList())));
    state.previewFile = content;
    if (content.ignoredReason() != null) {
      state.warnings.add(step + ": " + path + " ignored: " + content.ignoredReason());
    }
    if (content.notAllowed() != null && !content.notAllowed().isEmpty()) {
      state.warnings.add(
          step
              + ": "
              + path
              + " holds "
              + String.join(", ", content.notAllowed())
              + ", which the repositories file does not allow: ignored");
    }
    List<String> names = content.services();
    if (names == null || names.isEmpty()) {
      return null;
    }
    return new PreviewServices(state.settings.repository(), content.sha(), path, names);
  }

  /**
   * What the workflow adds to the app's environment; the activity adds the configured {@code
   * environment:} values (they never travel through history).
   */
  private Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("APP_ENV", "testing");
    env.put("APP_URL", state.previewUrl);
    return env;
  }

  /**
   * The request every compose activity gets; the same one for an action and its compensation. The
   * port is the one the preview carries (granted by its host's coordinator, or {@code portBase +
   * number % portCount} in runs from before that).
   */
  static ComposeTarget target(PreviewState state, String requestId) {
    return new ComposeTarget(
        requestId,
        state.settings.compose(),
        ComposeNames.project(state.settings, state.number()),
        state.compose != null
            ? state.compose.port()
            : state.grantedPort != null
                ? state.grantedPort
                : ComposeNames.port(state.settings, state.number()));
  }

  /** The host name nginx answers to: the preview's own, or the shared domain for path routing. */
  static String nginxDomain(PreviewState state) {
    return state.settings.compose().routing() == Routing.PATH
        ? state.settings.domain()
        : state.names.siteDomain();
  }

  private ComposeActivities compose(String summary, Duration limit) {
    return Workflow.newActivityStub(
        ComposeActivities.class, state.options.composeStep(summary, limit));
  }

  private static Duration duration(String iso, String fallback) {
    return Duration.parse(iso == null ? fallback : iso);
  }
}
