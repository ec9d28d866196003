package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Deploys, their history and log, quick deploy and the deployment script. */
final class DeploymentRoutes {

  static final String NO_APPLICATION =
      "The site does not yet have an application installed. Please install an application and"
          + " try again.";
  static final String ALREADY_DEPLOYING = "This site is already deploying.";

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;
  private final Faults faults;

  DeploymentRoutes(ForgeState state, Views views, SimulatorSettings settings, Faults faults) {
    this.state = state;
    this.views = views;
    this.settings = settings;
    this.faults = faults;
  }

  void register(Router router) {
    String site = "servers/{id}/sites/{id}";
    router
        .add("POST", site + "/deployment/deploy", this::deploy)
        .add("POST", site + "/deployment/reset", this::reset)
        .add("GET", site + "/deployment/log", this::log)
        .add("POST", site + "/deployment", this::enableQuickDeploy)
        .add("DELETE", site + "/deployment", this::disableQuickDeploy)
        .add("GET", site + "/deployment/script", this::readScript)
        .add("PUT", site + "/deployment/script", this::writeScript)
        .add("GET", site + "/deployment-history", this::history)
        .add("GET", site + "/deployment-history/{id}", this::historyEntry)
        .add("GET", site + "/deployment-history/{id}/output", this::historyOutput);
  }

  static String defaultScript(SiteEntity site) {
    return "cd /home/"
        + site.username
        + "/"
        + site.name
        + "\ngit pull origin $FORGE_SITE_BRANCH\n"
        + "$FORGE_COMPOSER install --no-dev --no-interaction --prefer-dist --optimize-autoloader\n"
        + "$FORGE_PHP artisan migrate --force\n";
  }

  /**
   * Queues a deployment: {@code queued} for the queue duration, then {@code deploying} for the
   * deploy duration, capped at the deploy timeout (then {@code failed}).
   */
  private Response deploy(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Instant now = call.now();
    if (!Lifecycle.repositoryInstalled(site, now)) {
      throw ApiException.failedAction(NO_APPLICATION);
    }
    DeploymentEntity running = state.latestDeployment(site.id);
    Instant queuedFrom = now;
    if (running != null && !Lifecycle.reached(running.endsAt, now)) {
      if (settings.rejectConcurrentDeploys()) {
        throw ApiException.failedAction(ALREADY_DEPLOYING);
      }
      queuedFrom = running.endsAt;
    }
    DeploymentEntity deployment = new DeploymentEntity();
    deployment.id = state.nextId();
    deployment.serverId = site.serverId;
    deployment.siteId = site.id;
    deployment.branch = site.repositoryBranch;
    deployment.commitHash =
        commitFromScript(site.deploymentScript).orElseGet(() -> commitHash(deployment.id));
    deployment.requestedAt = now;
    deployment.startsAt = queuedFrom.plus(settings.deployQueueDuration());
    if (settings.deployDuration().compareTo(settings.deployTimeout()) > 0) {
      deployment.endsAt = deployment.startsAt.plus(settings.deployTimeout());
      deployment.timesOut = true;
    } else {
      deployment.endsAt = deployment.startsAt.plus(settings.deployDuration());
    }
    deployment.fails = faults.takeDeployFailure(site.name);
    state.deployments.put(deployment.id, deployment);
    state.recordCreated(ForgeState.Kind.DEPLOYMENTS, site.name);
    return Response.json(Map.of("site", views.site(site, now)));
  }

  /** Ends a running deployment as {@code failed} and leaves the site idle. */
  private Response reset(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    DeploymentEntity latest = state.latestDeployment(site.id);
    if (latest != null && !Lifecycle.reached(latest.endsAt, call.now())) {
      latest.endsAt = call.now();
      if (latest.startsAt.isAfter(call.now())) {
        latest.startsAt = call.now();
      }
      latest.fails = true;
    }
    return Response.ok();
  }

  private Response log(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    DeploymentEntity latest = state.latestDeployment(site.id);
    return Response.text(latest == null ? "" : views.deploymentOutput(latest, call.now()));
  }

  private Response enableQuickDeploy(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    if (!Lifecycle.repositoryInstalled(site, call.now())) {
      throw ApiException.failedAction(NO_APPLICATION);
    }
    site.quickDeploy = true;
    return Response.ok();
  }

  private Response disableQuickDeploy(Router.ApiCall call) {
    state.liveSite(call.id(0), call.id(1)).quickDeploy = false;
    return Response.ok();
  }

  private Response readScript(Router.ApiCall call) {
    return Response.text(state.liveSite(call.id(0), call.id(1)).deploymentScript);
  }

  private Response writeScript(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String content = v.requiredString("content");
    v.bool("auto_source", false);
    v.check();
    site.deploymentScript = content;
    return Response.ok();
  }

  private Response history(Router.ApiCall call) {
    SiteEntity site = state.site(call.id(0), call.id(1));
    List<Map<String, Object>> entries =
        state.deploymentsOf(site.id).stream().map(d -> views.deployment(d, call.now())).toList();
    return Response.json(Map.of("deployments", entries));
  }

  private Response historyEntry(Router.ApiCall call) {
    SiteEntity site = state.site(call.id(0), call.id(1));
    DeploymentEntity deployment = state.deployment(site, call.id(2));
    return Response.json(Map.of("deployment", views.deployment(deployment, call.now())));
  }

  private Response historyOutput(Router.ApiCall call) {
    SiteEntity site = state.site(call.id(0), call.id(1));
    DeploymentEntity deployment = state.deployment(site, call.id(2));
    return Response.json(Map.of("output", views.deploymentOutput(deployment, call.now())));
  }

  /**
   * The commit a script checks out, read (never run) from its {@code git reset --hard <sha>} line,
   * the sha bare or single-quoted: what a deployment of that script reports as its {@code
   * commit_hash}. Empty for a script without one (Forge's default {@code git pull}), which deploys
   * the branch head, here a synthetic hash.
   */
  static Optional<String> commitFromScript(String script) {
    if (script == null) {
      return Optional.empty();
    }
    Matcher m = RESET_HARD.matcher(script);
    String found = null;
    while (m.find()) {
      found = m.group(1) != null ? m.group(1) : m.group(2);
    }
    return Optional.ofNullable(found);
  }

  private static final Pattern RESET_HARD =
      Pattern.compile(
          "(?m)^\\s*git\\s+reset\\s+--hard\\s+(?:'([0-9a-fA-F]{7,64})'|([0-9a-fA-F]{7,64}))\\s*$");

  private static String commitHash(long id) {
    byte[] bytes = new byte[20];
    long value = id * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (value >>> ((i % 8) * 8) ^ i * 31);
    }
    return HexFormat.of().formatHex(bytes);
  }
}
