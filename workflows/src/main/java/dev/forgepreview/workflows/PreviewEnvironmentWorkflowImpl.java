package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateQueueWorkerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.GrantDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ObtainCertificateRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealthRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.HealthActivities.ConnectivityRequest;
import dev.forgepreview.workflows.activities.SettingsActivities;
import dev.forgepreview.workflows.activities.SettingsActivities.SettingsRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The preview's whole life: provisioning as a saga (shared/design.md's fifteen steps), the wait for
 * updates, {@code destroy} or the TTL, and the teardown. Deterministic: time, sleeps and logs go
 * through {@link Workflow}.
 */
public class PreviewEnvironmentWorkflowImpl implements PreviewEnvironmentWorkflow {
  private static final Logger log = Workflow.getLogger(PreviewEnvironmentWorkflowImpl.class);
  private static final int RECENT_DELIVERIES = 50;
  private static final int MESSAGE_LIMIT = 500;
  private static final Duration COMPENSATION_PAUSE = Duration.ofMinutes(5);
  private static final Duration MAX_EXTENSION = Duration.ofDays(90);
  private static final String PUBLISH_DEPLOYING = "publish-deploying";

  /** Step records a continued run keeps: the provisioning ones and the newest updates. */
  private static final int CARRIED_STEPS = 40;

  /** Kinds of compensation, registered in the order their actions run. */
  private enum Resource {
    SERVER,
    SITE,
    DATABASE,
    DATABASE_USER
  }

  private PreviewRequest request;
  private String previewId;
  private PreviewSettings settings;
  private PreviewActivityOptions options = new PreviewActivityOptions(null);
  private Phase phase = Phase.PROVISIONING;
  private String branch;
  private String headSha;
  private String deployedSha;
  private String requestedSha;
  private String previewUrl;
  private ForgeResources resources = ForgeResources.none();
  private final List<StepRecord> steps = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<Resource> registered = new ArrayList<>();
  private final List<String> rolledBack = new ArrayList<>();
  private String failedStep;
  private String failureReason;
  private long expiresAtMillis;
  private int deployments;
  private int deploymentsThisRun;
  private UpdateSignal pendingUpdate;
  private DestroySignal destroySignal;
  private boolean destroyRequested;
  private final LinkedHashSet<String> recentDeliveries = new LinkedHashSet<>();
  private CancellationScope workScope;

  @Override
  public PreviewStatus run(PreviewRequest request) {
    this.request = request;
    this.previewId = request.workflowId();
    if (request.carried() != null) {
      restore(request.carried());
    } else {
      branch = request.branch();
      headSha = request.headSha();
      setPhase(Phase.PROVISIONING);
      if (!loadSettings()) {
        return status();
      }
      provision();
    }
    if (phase == Phase.READY || phase == Phase.UPDATING) {
      liveUntilDestroyed();
    }
    return status();
  }

  @Override
  public void update(UpdateSignal signal) {
    UpdateSignal update = signal == null ? new UpdateSignal(null, null, null, null) : signal;
    if (update.deliveryId() != null && !remember(update.deliveryId())) {
      log.info("update {}: delivery {} already handled", previewId, update.deliveryId());
      return;
    }
    if (phase.isFinal() || destroyRequested) {
      return;
    }
    String newestBranch = update.branch() != null ? update.branch() : pendingBranch();
    pendingUpdate =
        new UpdateSignal(update.headSha(), newestBranch, update.deliveryId(), update.requestedBy());
  }

  @Override
  public void destroy(DestroySignal signal) {
    if (destroyRequested || phase.isFinal()) {
      return;
    }
    destroyRequested = true;
    destroySignal = signal == null ? new DestroySignal("destroy signal", null) : signal;
    if (workScope != null) {
      workScope.cancel("destroy requested");
    }
  }

  @Override
  public void extend(ExtendSignal signal) {
    if (signal == null || signal.ttl() == null || phase.isFinal()) {
      return;
    }
    try {
      Duration extra = Duration.parse(signal.ttl());
      if (extra.isNegative() || extra.compareTo(MAX_EXTENSION) > 0) {
        warnings.add("extend ignored: " + signal.ttl() + " is not between 0 and " + MAX_EXTENSION);
        return;
      }
      expiresAtMillis += extra.toMillis();
    } catch (DateTimeParseException e) {
      warnings.add("extend ignored: '" + clip(signal.ttl()) + "' is not an ISO-8601 duration");
    }
  }

  @Override
  public PreviewStatus status() {
    return new PreviewStatus(
        previewId,
        request == null ? null : PreviewIds.repositoryKey(request.owner(), request.repo()),
        request == null ? 0 : request.number(),
        phase,
        previewUrl,
        branch,
        headSha,
        deployedSha,
        resources,
        List.copyOf(steps),
        List.copyOf(warnings),
        expiresAtMillis == 0 ? null : Instant.ofEpochMilli(expiresAtMillis).toString(),
        failedStep,
        failureReason,
        List.copyOf(rolledBack),
        deployments);
  }

  // ---- provisioning ----------------------------------------------------------------------

  private boolean loadSettings() {
    try {
      settings =
          step(
              "load-settings",
              () ->
                  Workflow.newActivityStub(
                          SettingsActivities.class, options.shortCall("Load repository settings"))
                      .settingsFor(new SettingsRequest(request.owner(), request.repo())));
    } catch (StepFailed e) {
      fail(e);
      setPhase(Phase.FAILED);
      publish();
      return false;
    }
    options = new PreviewActivityOptions(settings.timeouts());
    expiresAtMillis =
        Workflow.currentTimeMillis() + PreviewActivityOptions.duration(ttl()).toMillis();
    previewUrl = "https://" + PreviewNames.siteDomain(settings, request.number());
    return true;
  }

  private void provision() {
    publish();
    try {
      runCancellable(this::pipeline);
    } catch (StepFailed e) {
      if (destroyRequested) {
        rollBack();
        finishDestroyed();
      } else {
        fail(e);
        rollBack();
        setPhase(Phase.FAILED);
        publish();
      }
      return;
    }
    if (destroyRequested) {
      teardown();
      return;
    }
    setPhase(Phase.READY);
    publish();
  }

  private void pipeline() {
    int number = request.number();
    if (branch == null || headSha == null) {
      PullRequestHead head =
          step(
              "resolve-pull-request",
              () -> github("Look up the pull request's head").resolvePullRequest(pullRequestRef()));
      branch = head.branch();
      headSha = head.headSha();
    }
    long serverId;
    if (settings.mode() == Mode.DEDICATED) {
      String serverName = PreviewNames.serverName(settings, number);
      register(Resource.SERVER);
      ServerRef server =
          step(
              "create-server",
              () ->
                  forge("1 Create server " + serverName)
                      .createServer(
                          new CreateServerRequest(
                              requestId("create-server"), serverName, settings.server())));
      serverId = server.serverId();
      resources = withServer(server.serverId(), server.ipAddress());
    } else {
      serverId = settings.sharedServerId();
      steps.add(skipped("create-server", "shared server " + serverId));
    }
    ServerRef ready =
        step(
            "wait-server-ready",
            () ->
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        options.serverReady("2 Wait until server " + serverId + " is ready"))
                    .awaitServerReady(
                        new AwaitServerRequest(requestId("wait-server-ready"), serverId)));
    resources = withServer(serverId, ready.ipAddress());

    String domain = PreviewNames.siteDomain(settings, number);
    register(Resource.SITE);
    SiteRef site =
        step(
            "create-site",
            () ->
                forge("3 Create site " + domain)
                    .createSite(
                        new CreateSiteRequest(
                            requestId("create-site"),
                            serverId,
                            domain,
                            PreviewNames.siteUser(settings, number),
                            settings.phpVersion(),
                            "/public")));
    long siteId = site.siteId();
    resources = copy(r -> r.siteId = siteId);

    String database = PreviewNames.databaseName(settings, number);
    register(Resource.DATABASE);
    DatabaseRef db =
        step(
            "create-database",
            () ->
                forge("4 Create database " + database)
                    .createDatabase(
                        new CreateDatabaseRequest(
                            requestId("create-database"), serverId, database)));
    resources = copy(r -> r.databaseId = db.databaseId());

    String user = PreviewNames.databaseUser(settings, number);
    register(Resource.DATABASE_USER);
    DatabaseUserRef dbUser =
        step(
            "create-database-user",
            () ->
                forge("5 Create database user " + user)
                    .createDatabaseUser(
                        new CreateDatabaseUserRequest(
                            requestId("create-database-user"), serverId, user, previewId)));
    resources = copy(r -> r.databaseUserId = dbUser.userId());

    step(
        "grant-database",
        () -> {
          forge("6 Grant " + user + " access to " + database)
              .grantDatabase(
                  new GrantDatabaseRequest(
                      requestId("grant-database"), serverId, dbUser.userId(), db.databaseId()));
          return null;
        });

    if (settings.masterDatabase() == null) {
      steps.add(skipped("clone-database", "no master database configured"));
    } else {
      String host = resources.serverIp();
      optionalStep(
          "clone-database",
          () -> {
            CloneResult result =
                Workflow.newActivityStub(
                        DatabaseCloneActivities.class,
                        options.clone("7 Clone " + settings.masterDatabase().database()))
                    .cloneDatabase(
                        new CloneDatabaseRequest(
                            requestId("clone-database"),
                            previewId,
                            settings.masterDatabase(),
                            host,
                            database,
                            user));
            return result.cloned()
                ? "copied " + result.bytesCopied() + " bytes"
                : warning("clone-database", result.warning());
          });
    }

    step(
        "install-repository",
        () -> {
          forge("8 Install " + settings.repository() + " on " + branch)
              .installRepository(
                  new InstallRepositoryRequest(
                      requestId("install-repository"),
                      serverId,
                      siteId,
                      settings.repositoryProvider(),
                      settings.repository(),
                      branch,
                      settings.composer()));
          return null;
        });

    optionalStep(
        "write-environment",
        () -> {
          forge("9 Write the environment file")
              .writeEnvironment(
                  new WriteEnvironmentRequest(
                      requestId("write-environment"),
                      serverId,
                      siteId,
                      previewId,
                      environment(database, user)));
          return null;
        });

    if (settings.queueWorker() == null) {
      steps.add(skipped("create-queue-worker", "no queue worker configured"));
    } else {
      optionalStep(
          "create-queue-worker",
          () -> {
            PreviewSettings.QueueWorker worker = settings.queueWorker();
            long workerId =
                forge("10 Create a queue worker")
                    .createQueueWorker(
                        new CreateQueueWorkerRequest(
                            requestId("create-queue-worker"),
                            serverId,
                            siteId,
                            worker.connection(),
                            worker.queue(),
                            worker.processes(),
                            worker.timeout()));
            resources = copy(r -> r.workerId = workerId);
            return null;
          });
    }

    if (!settings.certificate()) {
      steps.add(skipped("obtain-certificate", "certificates disabled"));
    } else {
      optionalStep(
          "obtain-certificate",
          () -> {
            long certificateId =
                forge("11 Obtain a Let's Encrypt certificate for " + domain)
                    .obtainCertificate(
                        new ObtainCertificateRequest(
                            requestId("obtain-certificate"), serverId, siteId, domain));
            resources = copy(r -> r.certificateId = certificateId);
            return null;
          });
    }

    setPhase(Phase.DEPLOYING);
    // Added after the first release: runs recorded before it replay without this publish.
    if (Workflow.getVersion(PUBLISH_DEPLOYING, Workflow.DEFAULT_VERSION, 1) >= 1) {
      publish();
    }
    deploy(headSha, "12", "13");

    checkHealth(serverId, siteId);
  }

  /** Steps 12 and 13: deploy and wait; also every later update. */
  private void deploy(String sha, String deployNumber, String waitNumber) {
    long serverId = resources.serverId();
    long siteId = resources.siteId();
    int generation = deployments + 1;
    String deployStep = generation == 1 ? "deploy" : "deploy#" + generation;
    String waitStep = generation == 1 ? "wait-deployment" : "wait-deployment#" + generation;
    DeploymentRef started =
        step(
            deployStep,
            () ->
                forge(deployNumber + " Deploy " + shortSha(sha))
                    .deploySite(new DeployRequest(requestId(deployStep), serverId, siteId, sha)));
    DeploymentRef finished =
        step(
            waitStep,
            () ->
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        options.deployment(waitNumber + " Wait for the deployment"))
                    .awaitDeployment(
                        new AwaitDeploymentRequest(
                            requestId(waitStep), serverId, siteId, started.deploymentId())));
    deployments++;
    deploymentsThisRun++;
    deployedSha = finished.commitHash() != null ? finished.commitHash() : sha;
    requestedSha = sha;
    resources = copy(r -> r.deploymentId = finished.deploymentId());
  }

  /** Steps 14 and 15: never fail the preview, only warn. */
  private void checkHealth(long serverId, long siteId) {
    optionalStep(
        "site-health",
        () -> {
          SiteHealth health = null;
          for (int attempt = 1; attempt <= options.healthTries(); attempt++) {
            health =
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        options.once("14 Check the site's health", PreviewIds.FORGE_TASK_QUEUE))
                    .checkSiteHealth(
                        new SiteHealthRequest(requestId("site-health"), serverId, siteId));
            if (health.healthy()) {
              return "healthy";
            }
            if (attempt < options.healthTries()) {
              Workflow.sleep(options.healthInterval());
            }
          }
          return warning("site-health", "site unhealthy: " + health.detail());
        });
    optionalStep(
        "connectivity",
        () -> {
          int code =
              Workflow.newActivityStub(
                      HealthActivities.class, options.connectivity("15 Reach " + previewUrl))
                  .checkConnectivity(
                      new ConnectivityRequest(requestId("connectivity"), previewUrl));
          return "HTTP " + code;
        });
  }

  private Map<String, String> environment(String database, String user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("APP_ENV", "testing");
    env.put("APP_URL", previewUrl);
    env.put("DB_CONNECTION", "mysql");
    env.put("DB_HOST", "127.0.0.1");
    env.put("DB_PORT", "3306");
    env.put("DB_DATABASE", database);
    env.put("DB_USERNAME", user);
    env.put("REDIS_DB", Integer.toString(PreviewNames.redisDatabase(settings, request.number())));
    if (settings.environment() != null) {
      env.putAll(settings.environment());
    }
    return env;
  }

  // ---- life after READY ------------------------------------------------------------------

  private void liveUntilDestroyed() {
    while (!destroyRequested) {
      if (pendingUpdate != null) {
        applyUpdate();
        continue;
      }
      if (shouldContinueAsNew()) {
        continueAsNew();
      }
      long remaining = expiresAtMillis - Workflow.currentTimeMillis();
      if (remaining <= 0) {
        destroySignal = new DestroySignal("TTL expired", "forge-preview");
        destroyRequested = true;
        break;
      }
      long seenExpiry = expiresAtMillis;
      awaitCancellable(
          Duration.ofMillis(remaining),
          () -> destroyRequested || pendingUpdate != null || expiresAtMillis != seenExpiry);
    }
    teardown();
  }

  private void applyUpdate() {
    UpdateSignal update = pendingUpdate;
    pendingUpdate = null;
    // The sha that was asked for (Forge reports the commit it deployed, which may name the same
    // change differently): the start's own update signal must not redeploy.
    if (update.headSha() != null
        && (update.headSha().equals(requestedSha) || update.headSha().equals(deployedSha))) {
      return;
    }
    if (update.headSha() != null) {
      headSha = update.headSha();
    }
    setPhase(Phase.UPDATING);
    publish();
    try {
      runCancellable(() -> deploy(headSha, "12", "13"));
    } catch (StepFailed e) {
      if (!destroyRequested) {
        warnings.add("update to " + shortSha(headSha) + " failed: " + e.getMessage());
      }
    }
    if (!destroyRequested) {
      setPhase(Phase.READY);
      publish();
    }
  }

  private boolean shouldContinueAsNew() {
    boolean due =
        deploymentsThisRun >= Math.max(1, settings.continueAsNewAfterDeployments())
            || Workflow.getInfo().isContinueAsNewSuggested();
    return due && Workflow.isEveryHandlerFinished();
  }

  private void continueAsNew() {
    if (steps.size() > CARRIED_STEPS) {
      List<StepRecord> kept = new ArrayList<>(steps.subList(0, CARRIED_STEPS / 2));
      kept.addAll(steps.subList(steps.size() - CARRIED_STEPS / 2, steps.size()));
      steps.clear();
      steps.addAll(kept);
    }
    CarriedState carried =
        new CarriedState(
            settings,
            status(),
            expiresAtMillis,
            pendingUpdate,
            destroySignal,
            destroyRequested,
            List.copyOf(recentDeliveries));
    Workflow.continueAsNew(request.withCarried(carried));
  }

  private void restore(CarriedState carried) {
    settings = carried.settings();
    options = new PreviewActivityOptions(settings.timeouts());
    PreviewStatus previous = carried.status();
    phase = previous.phase();
    previewUrl = previous.previewUrl();
    branch = previous.branch();
    headSha = previous.headSha();
    deployedSha = previous.deployedSha();
    requestedSha = previous.headSha();
    resources = previous.resources();
    warnings.addAll(previous.warnings());
    steps.addAll(previous.steps());
    deployments = previous.deployments();
    expiresAtMillis = Math.max(expiresAtMillis, carried.expiresAtMillis());
    // Signals that reached this run before restore() ran are newer than the carried ones.
    if (pendingUpdate == null) {
      pendingUpdate = carried.pendingUpdate();
    }
    if (carried.destroyRequested() && !destroyRequested) {
      destroyRequested = true;
      destroySignal = carried.pendingDestroy();
    }
    List<String> seen = new ArrayList<>(carried.recentDeliveries());
    seen.addAll(recentDeliveries);
    recentDeliveries.clear();
    seen.forEach(this::remember);
    if (settings.mode() == Mode.DEDICATED) {
      registered.add(Resource.SERVER);
    }
    registered.addAll(List.of(Resource.SITE, Resource.DATABASE, Resource.DATABASE_USER));
  }

  // ---- teardown and rollback -------------------------------------------------------------

  private void teardown() {
    setPhase(Phase.DESTROYING);
    publish();
    Workflow.newDetachedCancellationScope(
            () -> {
              if (settings.mode() == Mode.SHARED && resources.serverIp() != null) {
                flushRedis();
              }
              compensate();
            })
        .run();
    finishDestroyed();
  }

  private void rollBack() {
    Workflow.newDetachedCancellationScope(this::compensate).run();
  }

  private void finishDestroyed() {
    setPhase(Phase.DESTROYED);
    publish();
  }

  /** Runs the compensations of everything registered, newest first, each until it succeeds. */
  private void compensate() {
    List<Resource> reverse = new ArrayList<>(registered);
    java.util.Collections.reverse(reverse);
    for (Resource resource : reverse) {
      String name =
          "delete-" + resource.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      String actionStep = "create-" + name.substring("delete-".length());
      String rid = requestId(actionStep);
      int attempts = 0;
      while (true) {
        attempts++;
        String started = now();
        try {
          deleteResource(resource, rid);
          steps.add(
              new StepRecord(name, StepState.COMPENSATED, attempts, started, now(), "removed"));
          rolledBack.add(name);
          break;
        } catch (ActivityFailure e) {
          String reason = reason(e);
          warnings.add(name + " failed (attempt " + attempts + ", will retry): " + reason);
          log.warn(
              "{} of {} failed, retrying in {}: {}", name, previewId, COMPENSATION_PAUSE, reason);
          Workflow.sleep(COMPENSATION_PAUSE);
        }
      }
    }
    registered.clear();
  }

  private void deleteResource(Resource resource, String rid) {
    int number = request.number();
    ForgeActivities forge =
        Workflow.newActivityStub(
            ForgeActivities.class,
            options.compensation("Delete " + resource, PreviewIds.FORGE_TASK_QUEUE));
    Long serverId = resources.serverId();
    switch (resource) {
      case SERVER ->
          forge.deleteServer(
              new DeleteServerRequest(rid, PreviewNames.serverName(settings, number)));
      case SITE -> {
        if (serverId != null) {
          forge.deleteSite(
              new DeleteSiteRequest(rid, serverId, PreviewNames.siteDomain(settings, number)));
        }
      }
      case DATABASE -> {
        if (serverId != null) {
          forge.deleteDatabase(
              new DeleteDatabaseRequest(
                  rid, serverId, PreviewNames.databaseName(settings, number)));
        }
      }
      case DATABASE_USER -> {
        if (serverId != null) {
          forge.deleteDatabaseUser(
              new DeleteDatabaseUserRequest(
                  rid, serverId, PreviewNames.databaseUser(settings, number)));
        }
      }
    }
  }

  private void flushRedis() {
    optionalStep(
        "flush-redis",
        () -> {
          Workflow.newActivityStub(
                  DatabaseCloneActivities.class,
                  options.compensation("Flush the preview's Redis database", PreviewIds.TASK_QUEUE))
              .flushRedis(
                  new FlushRedisRequest(
                      requestId("flush-redis"),
                      resources.serverIp(),
                      PreviewNames.redisDatabase(settings, request.number())));
          return null;
        });
  }

  // ---- steps, phases, publishing ---------------------------------------------------------

  /** A critical step: records it, and turns a failure into {@link StepFailed}. */
  private <T> T step(String name, Supplier<T> action) {
    int index = steps.size();
    String started = now();
    steps.add(new StepRecord(name, StepState.RUNNING, 1, started, null, null));
    updateDetails();
    try {
      T result = action.get();
      steps.set(index, new StepRecord(name, StepState.SUCCEEDED, 1, started, now(), null));
      return result;
    } catch (ActivityFailure | CanceledFailure e) {
      String reason = isCancelled(e) ? "cancelled: destroy requested" : reason(e);
      steps.set(index, new StepRecord(name, StepState.FAILED, 1, started, now(), reason));
      throw new StepFailed(name, reason);
    } finally {
      updateDetails();
    }
  }

  /** A non-critical step: a failure becomes a warning and the pipeline goes on. */
  private void optionalStep(String name, Supplier<String> action) {
    int index = steps.size();
    String started = now();
    steps.add(new StepRecord(name, StepState.RUNNING, 1, started, null, null));
    try {
      String message = action.get();
      boolean warned = message != null && message.startsWith(WARNING_PREFIX);
      steps.set(
          index,
          new StepRecord(
              name,
              warned ? StepState.WARNING : StepState.SUCCEEDED,
              1,
              started,
              now(),
              warned ? message.substring(WARNING_PREFIX.length()) : message));
    } catch (ActivityFailure e) {
      if (isCancelled(e) || CancellationScope.current().isCancelRequested()) {
        steps.set(index, new StepRecord(name, StepState.FAILED, 1, started, now(), "cancelled"));
        throw new StepFailed(name, "cancelled: destroy requested");
      }
      String reason = reason(e);
      steps.set(index, new StepRecord(name, StepState.WARNING, 1, started, now(), reason));
      warnings.add(name + ": " + reason);
    } catch (CanceledFailure e) {
      steps.set(index, new StepRecord(name, StepState.FAILED, 1, started, now(), "cancelled"));
      throw new StepFailed(name, "cancelled: destroy requested");
    }
  }

  private static final String WARNING_PREFIX = "\u0000warning:";

  private String warning(String stepName, String message) {
    String text = message == null ? "no detail" : clip(message);
    warnings.add(stepName + ": " + text);
    return WARNING_PREFIX + text;
  }

  /** Runs work that {@code destroy} may interrupt. */
  private void runCancellable(Runnable work) {
    workScope = Workflow.newCancellationScope(work);
    try {
      workScope.run();
    } finally {
      workScope = null;
    }
  }

  /**
   * {@code Workflow.await} with a timeout leaves its timer running after the condition fires
   * (sdk-java #2312), so the wait runs in its own scope, cancelled afterwards.
   */
  private static void awaitCancellable(Duration timeout, Supplier<Boolean> condition) {
    CancellationScope scope =
        Workflow.newCancellationScope(() -> Workflow.await(timeout, condition));
    scope.run();
    scope.cancel();
  }

  private void fail(StepFailed e) {
    failedStep = e.step;
    failureReason = e.getMessage();
  }

  private void register(Resource resource) {
    registered.add(resource);
  }

  private void setPhase(Phase next) {
    phase = next;
    if (request != null) {
      Workflow.upsertTypedSearchAttributes(
          PreviewIds.PHASE.valueSet(next.name()),
          PreviewIds.REPOSITORY.valueSet(PreviewIds.repositoryKey(request.owner(), request.repo())),
          PreviewIds.PULL_REQUEST.valueSet((long) request.number()));
    }
    updateDetails();
  }

  /** What the Web UI shows on the run's page. */
  private void updateDetails() {
    StringBuilder details = new StringBuilder();
    details.append("**").append(phase).append("**");
    if (previewUrl != null) {
      details.append(" · ").append(previewUrl);
    }
    if (headSha != null) {
      details.append(" · ").append(shortSha(headSha));
    }
    details.append('\n');
    for (StepRecord step : steps) {
      details.append("- ").append(step.name()).append(": ").append(step.state());
      if (step.message() != null) {
        details.append(" (").append(clip(step.message())).append(')');
      }
      details.append('\n');
    }
    if (failureReason != null) {
      details.append("Failed at ").append(failedStep).append(": ").append(failureReason);
    }
    Workflow.setCurrentDetails(details.toString());
  }

  /** Updates the PR comment and deployment; GitHub being down never fails the preview. */
  private void publish() {
    try {
      github("Update the pull request")
          .publishStatus(new PublishStatusRequest(pullRequestRef(), status()));
    } catch (ActivityFailure e) {
      log.warn("publishing the status of {} failed: {}", previewId, reason(e));
    }
  }

  private GitHubActivities github(String summary) {
    return Workflow.newActivityStub(GitHubActivities.class, options.shortCall(summary));
  }

  private ForgeActivities forge(String summary) {
    ActivityOptions forgeOptions = options.forge(summary);
    return Workflow.newActivityStub(ForgeActivities.class, forgeOptions);
  }

  private PullRequestRef pullRequestRef() {
    return new PullRequestRef(request.owner(), request.repo(), request.number());
  }

  private String requestId(String stepName) {
    return previewId + "/" + stepName;
  }

  private String ttl() {
    return settings.ttl() == null ? "P7D" : settings.ttl();
  }

  private String pendingBranch() {
    return pendingUpdate != null ? pendingUpdate.branch() : null;
  }

  private boolean remember(String deliveryId) {
    if (!recentDeliveries.add(deliveryId)) {
      return false;
    }
    while (recentDeliveries.size() > RECENT_DELIVERIES) {
      recentDeliveries.remove(recentDeliveries.iterator().next());
    }
    return true;
  }

  private StepRecord skipped(String name, String why) {
    String at = now();
    return new StepRecord(name, StepState.SKIPPED, 0, at, at, why);
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  private static String shortSha(String sha) {
    return sha == null ? "(branch head)" : sha.substring(0, Math.min(7, sha.length()));
  }

  private static boolean isCancelled(TemporalFailure e) {
    return e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
  }

  /** The failure as a person reads it: the activity's own message, or what timed out. */
  private static String reason(TemporalFailure e) {
    if (e instanceof ActivityFailure activity
        && activity.getRetryState() == RetryState.RETRY_STATE_TIMEOUT) {
      String last =
          activity.getCause() instanceof ApplicationFailure app ? app.getOriginalMessage() : null;
      return clip("timed out at the step's limit" + (last == null ? "" : "; last answer: " + last));
    }
    Throwable cause = e instanceof ActivityFailure ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return clip(app.getType() + ": " + app.getOriginalMessage());
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType() + ")";
    }
    if (cause instanceof TemporalFailure temporal) {
      return clip(temporal.getOriginalMessage());
    }
    return clip(String.valueOf(e.getMessage()));
  }

  private static String clip(String text) {
    if (text == null) {
      return null;
    }
    return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT) + "…";
  }

  private ForgeResources withServer(Long serverId, String ip) {
    return copy(
        r -> {
          r.serverId = serverId;
          r.serverIp = ip;
        });
  }

  private ForgeResources copy(java.util.function.Consumer<MutableResources> change) {
    MutableResources m = new MutableResources(resources);
    change.accept(m);
    return m.build();
  }

  /** A builder for the immutable {@link ForgeResources}. */
  private static final class MutableResources {
    Long serverId;
    String serverIp;
    Long siteId;
    Long databaseId;
    Long databaseUserId;
    Long workerId;
    Long certificateId;
    Long deploymentId;

    MutableResources(ForgeResources r) {
      serverId = r.serverId();
      serverIp = r.serverIp();
      siteId = r.siteId();
      databaseId = r.databaseId();
      databaseUserId = r.databaseUserId();
      workerId = r.workerId();
      certificateId = r.certificateId();
      deploymentId = r.deploymentId();
    }

    ForgeResources build() {
      return new ForgeResources(
          serverId,
          serverIp,
          siteId,
          databaseId,
          databaseUserId,
          workerId,
          certificateId,
          deploymentId);
    }
  }

  /** A critical step failed (or was cancelled by {@code destroy}). */
  private static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String step;

    StepFailed(String step, String reason) {
      super(reason, null, false, false);
      this.step = step;
    }
  }
}
