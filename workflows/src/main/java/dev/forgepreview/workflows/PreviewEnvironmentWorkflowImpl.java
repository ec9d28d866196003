package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Admission.IntRange;
import dev.forgepreview.workflows.Admission.Outcome;
import dev.forgepreview.workflows.Admission.QueueNotice;
import dev.forgepreview.workflows.Admission.SlotGrant;
import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import dev.forgepreview.workflows.PreviewSettings.AdmissionSettings;
import dev.forgepreview.workflows.PreviewSettings.Backend;
import dev.forgepreview.workflows.StepRunner.StepFailed;
import dev.forgepreview.workflows.activities.AdmissionActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.CommenterPermission;
import dev.forgepreview.workflows.activities.GitHubActivities.PermissionRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.RefuseCommandRequest;
import dev.forgepreview.workflows.activities.NotificationActivities;
import dev.forgepreview.workflows.activities.NotificationActivities.PreviewNotification;
import dev.forgepreview.workflows.activities.SettingsActivities;
import dev.forgepreview.workflows.activities.SettingsActivities.SettingsRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The preview's whole life: provisioning as a saga ({@link ProvisioningPipeline}), the wait for
 * updates, {@code destroy} or the TTL, and the teardown ({@link Compensations}). Deterministic:
 * time, sleeps and logs go through {@link Workflow}.
 */
public class PreviewEnvironmentWorkflowImpl implements PreviewEnvironmentWorkflow {
  private static final Logger log = Workflow.getLogger(PreviewEnvironmentWorkflowImpl.class);
  private static final int RECENT_DELIVERIES = 50;
  private static final Duration MAX_EXTENSION = Duration.ofDays(90);
  private static final String OWNER_HASH_NAMES = "owner-hash-names";

  /** Step records a continued run keeps: the provisioning ones and the newest updates. */
  private static final int CARRIED_STEPS = 40;

  private final PreviewState state = new PreviewState();
  private final StepRunner steps = new StepRunner(state);
  private final Compensations compensations = new Compensations(state, steps);
  private final ProvisioningPipeline pipeline =
      new ProvisioningPipeline(state, steps, compensations, this::publish);
  private static final String START_AFTER_TEARDOWN = "start-after-teardown";
  private static final String COMMENT_PERMISSION = "comment-permission";

  /** Outgoing notifications when a preview is READY, FAILED, TEARDOWN_FAILED (or DESTROYED). */
  private static final String NOTIFICATIONS = "notifications";

  /** An {@code update} with {@code "force": true} redeploys the commit that is already live. */
  private static final String FORCED_REDEPLOY = "forced-redeploy";

  private static final String PREVIEW_COMMAND = "/preview";

  /** How long one answer about a commenter's permission is trusted within a run. */
  private static final Duration PERMISSION_TTL = Duration.ofMinutes(1);

  private final ComposePipeline composePipeline =
      new ComposePipeline(state, steps, compensations, this::publish);
  private UpdateSignal pendingUpdate;

  /**
   * Version 1: the preview asks its admission coordinator for a slot (waiting {@code QUEUED}),
   * takes its Redis database from it, flushes that database on rollbacks too, reports how its
   * provisioning ended and releases the slot when its teardown ends. Runs recorded before it replay
   * without those commands.
   */
  private static final String ADMISSION = "admission";

  /**
   * Version 1: a compose preview asks its host's coordinator ({@code admission:host:{host}}) and
   * takes its app's port from the coordinator's {@code port} pool, unique among the live previews
   * on that host and released when its teardown ends. Runs recorded before it ask their
   * repository's coordinator and take {@code portBase + number % portCount}.
   */
  private static final String COMPOSE_PORT_POOL = "compose-port-pool";

  /** The coordinator this preview asked, or holds a slot of; null: none (older runs). */
  private String admissionCoordinator;

  private SlotGrant grant;
  private QueueNotice queueNotice;

  /** How the provisioning failed, for the coordinator's circuit breaker; null: no failure. */
  private Outcome failure;

  /** A start that reached this run while it was ending; it begins a fresh run afterwards. */
  private UpdateSignal pendingStart;

  /** A failed provisioning is being rolled back (the run will end). */
  private boolean rollingBack;

  private final Map<String, Verdict> verdicts = new HashMap<>();
  private DestroySignal destroySignal;
  private boolean destroyRequested;
  private final LinkedHashSet<String> recentDeliveries = new LinkedHashSet<>();
  private CancellationScope workScope;
  private CancellationScope rootScope;

  /** `extend` signals that arrived before the expiry was known; added once it is. */
  private long pendingExtensionMillis;

  /** Warnings a continued run keeps: the newest. */
  private static final int CARRIED_WARNINGS = 30;

  @Override
  public PreviewStatus run(PreviewRequest request) {
    rootScope = CancellationScope.current();
    state.request = request;
    state.previewId = request.workflowId();
    if (request.carried() != null) {
      restore(request.carried());
    } else {
      state.branch = request.branch();
      state.headSha = request.headSha();
      state.setPhase(Phase.PROVISIONING);
      if (request.viaComment() && !permitted(request.requestedBy(), PREVIEW_COMMAND, null)) {
        // The start's own update signal replies to the commenter; nothing is created.
        state.failedStep = "check-permission";
        state.failureReason = "/preview by " + request.requestedBy() + " refused";
        state.setPhase(Phase.FAILED);
        return finish();
      }
      if (!loadSettings()) {
        return finish();
      }
      if (Workflow.getVersion(ADMISSION, Workflow.DEFAULT_VERSION, 1) >= 1 && !awaitAdmission()) {
        return finish();
      }
      provision();
    }
    if (state.phase == Phase.READY || state.phase == Phase.UPDATING) {
      liveUntilDestroyed();
    }
    return finish();
  }

  /**
   * The run's end. A start that reached it while it was ending (a pull request closed and reopened
   * at once, {@code /preview} during a teardown) continues-as-new into a fresh preview, under the
   * same id, now that everything of the old one is gone.
   */
  private PreviewStatus finish() {
    releaseSlot();
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (pendingStart != null
        && state.phase.isFinal()
        && Workflow.getVersion(START_AFTER_TEARDOWN, Workflow.DEFAULT_VERSION, 1) >= 1) {
      log.info("{}: starting a fresh preview for {}", state.previewId, state.startAfterTeardown);
      PreviewRequest r = state.request;
      // The start's permission was checked when it arrived.
      Workflow.continueAsNew(
          new PreviewRequest(
              r.owner(),
              r.repo(),
              r.number(),
              pendingStart.branch(),
              pendingStart.headSha(),
              pendingStart.requestedBy(),
              null,
              null));
    }
    return status();
  }

  @Override
  public void update(UpdateSignal signal) {
    UpdateSignal update = signal == null ? new UpdateSignal(null, null, null, null) : signal;
    if (update.deliveryId() != null && !remember(update.deliveryId())) {
      log.info("update {}: delivery {} already handled", state.previewId, update.deliveryId());
      return;
    }
    if (update.viaComment()
        && !permitted(
            update.requestedBy(),
            update.asksToStart() ? PREVIEW_COMMAND : "/update",
            update.deliveryId() != null ? update.deliveryId() : replyId())) {
      return;
    }
    if (state.phase.isFinal() || destroyRequested || rollingBack) {
      if (update.asksToStart()) {
        // Too late for this run: the newest such start begins a fresh preview after it.
        pendingStart = update;
        state.startAfterTeardown =
            update.requestedBy() == null ? "a new start" : update.requestedBy();
        state.updateDetails();
      }
      return;
    }
    String branch =
        update.branch() != null
            ? update.branch()
            : pendingUpdate != null ? pendingUpdate.branch() : null;
    // A forced redeploy stays forced when a newer update joins it before it runs.
    boolean force = update.forces() || (pendingUpdate != null && pendingUpdate.forces());
    pendingUpdate =
        new UpdateSignal(
            update.headSha(),
            branch,
            update.deliveryId(),
            update.requestedBy(),
            update.start(),
            update.fromComment(),
            force ? Boolean.TRUE : null);
  }

  @Override
  public void destroy(DestroySignal signal) {
    if (destroyRequested || state.phase.isFinal()) {
      return;
    }
    if (signal != null
        && signal.viaComment()
        && !permitted(signal.requestedBy(), "/destroy", replyId())) {
      return;
    }
    if (destroyRequested || state.phase.isFinal()) {
      return; // decided while the permission was being checked
    }
    destroyRequested = true;
    destroySignal = signal == null ? new DestroySignal("destroy signal", null) : signal;
    if (workScope != null) {
      workScope.cancel("destroy requested");
    }
  }

  @Override
  public void extend(ExtendSignal signal) {
    if (signal == null || signal.ttl() == null || state.phase.isFinal()) {
      return;
    }
    try {
      Duration extra = Duration.parse(signal.ttl());
      if (extra.isNegative() || extra.compareTo(MAX_EXTENSION) > 0) {
        state.warnings.add(
            "extend ignored: " + signal.ttl() + " is not between 0 and " + MAX_EXTENSION);
        return;
      }
      if (state.expiresAtMillis == 0) {
        pendingExtensionMillis += extra.toMillis();
      } else {
        state.expiresAtMillis += extra.toMillis();
        state.updateDetails();
      }
    } catch (DateTimeParseException e) {
      state.warnings.add(
          "extend ignored: '" + FailureText.clip(signal.ttl()) + "' is not an ISO-8601 duration");
    }
  }

  @Override
  public void admitted(SlotGrant slot) {
    if (slot != null && grant == null) {
      grant = slot;
    }
  }

  @Override
  public void queued(QueueNotice notice) {
    if (notice != null && grant == null) {
      queueNotice = notice;
    }
  }

  @Override
  public PreviewStatus status() {
    return state.status();
  }

  // ---- provisioning ----------------------------------------------------------------------

  private boolean loadSettings() {
    try {
      state.settings =
          steps
              .critical(
                  "load-settings",
                  () ->
                      Workflow.newActivityStub(
                              SettingsActivities.class,
                              state.options.shortCall("Load repository settings"))
                          .settingsFor(
                              new SettingsRequest(state.request.owner(), state.request.repo())))
              // An older worker may still answer with values: never carry them on.
              .withEnvironmentKeysOnly();
    } catch (StepFailed e) {
      fail(e);
      state.setPhase(Phase.FAILED);
      publish();
      return false;
    }
    state.options = new PreviewActivityOptions(state.settings.timeouts());
    String ttl = state.settings.ttl() == null ? "P7D" : state.settings.ttl();
    state.expiresAtMillis =
        Workflow.currentTimeMillis() + Duration.parse(ttl).toMillis() + pendingExtensionMillis;
    pendingExtensionMillis = 0;
    // Added with the owner hash in server names: runs recorded before it keep the legacy names.
    int scheme =
        Workflow.getVersion(OWNER_HASH_NAMES, Workflow.DEFAULT_VERSION, 1)
                == Workflow.DEFAULT_VERSION
            ? PreviewNames.LEGACY
            : PreviewNames.OWNER_HASH;
    state.names = PreviewNames.of(state.settings, state.number(), scheme);
    state.previewUrl =
        state.settings.effectiveBackend() == Backend.COMPOSE
            ? ComposeNames.previewUrl(state.settings, state.number(), state.names.siteDomain())
            : "https://" + state.names.siteDomain();
    return true;
  }

  private void provision() {
    publish();
    try {
      runCancellable(isCompose() ? composePipeline::run : pipeline::run);
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        fail(e);
        // A deployment that ran and failed (its log attached) failed on the PR's own code.
        failure = e.log() != null ? Outcome.CODE_FAILURE : Outcome.INFRASTRUCTURE_FAILURE;
      }
      rollingBack = true;
      rollBack();
      if (!state.leftBehind.isEmpty()) {
        finishTeardownFailed();
      } else if (destroyRequested) {
        finishDestroyed();
      } else {
        state.setPhase(Phase.FAILED);
        publish();
        notifyPhase(Phase.FAILED);
      }
      return;
    }
    if (destroyRequested) {
      teardown();
      return;
    }
    state.setPhase(Phase.READY);
    publish();
    reportSuccess();
    notifyPhase(Phase.READY);
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
      long remaining = state.expiresAtMillis - Workflow.currentTimeMillis();
      if (remaining <= 0) {
        destroySignal = new DestroySignal("TTL expired", "forge-preview");
        destroyRequested = true;
        break;
      }
      long seenExpiry = state.expiresAtMillis;
      try {
        awaitTtl(
            Duration.ofMillis(remaining),
            () -> destroyRequested || pendingUpdate != null || state.expiresAtMillis != seenExpiry);
      } catch (CanceledFailure e) {
        noticeCancellation();
      }
    }
    teardown();
  }

  private void applyUpdate() {
    UpdateSignal update = pendingUpdate;
    pendingUpdate = null;
    boolean pinned = ProvisioningPipeline.pinsCommits();
    boolean forced =
        update.forces() && Workflow.getVersion(FORCED_REDEPLOY, Workflow.DEFAULT_VERSION, 1) >= 1;
    String sha = update.headSha();
    if (sha == null && pinned) {
      // A comment (/update, /preview) carries no sha: the approval pins the head it sees now.
      sha = resolveHead(forced);
      if (sha == null && forced && !destroyRequested) {
        // GitHub not configured (dev mode) or unreachable: a forced redeploy redeploys the
        // commit the preview has.
        sha = state.requestedSha != null ? state.requestedSha : state.headSha;
      }
      if (sha == null) {
        return;
      }
    }
    // Compared with the sha that was asked for too: Forge reports the commit it deployed, which
    // may name the same change differently, and the start's own update signal must not redeploy.
    if (!forced
        && sha != null
        && (sha.equals(state.requestedSha) || sha.equals(state.deployedSha))) {
      return;
    }
    String previousSha = state.requestedSha;
    if (sha != null) {
      state.headSha = sha;
    }
    state.setPhase(Phase.UPDATING);
    publish();
    boolean deployed = false;
    try {
      runCancellable(
          () -> {
            if (isCompose()) {
              composePipeline.deploy(state.headSha);
            } else {
              pipeline.deploy(state.headSha);
            }
          });
      state.lastUpdateFailure = null;
      deployed = true;
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        updateFailed(e, pinned, previousSha);
      }
    }
    if (!destroyRequested) {
      state.setPhase(Phase.READY);
      publish();
      if (deployed) {
        notifyPhase(Phase.READY);
      }
    }
  }

  /**
   * The pull request's head sha now, or null (with a warning) when it cannot be used; {@code
   * forced}: the warning says the known commit is redeployed instead.
   */
  private String resolveHead(boolean forced) {
    String ignored =
        forced ? "forced redeploy of the deployed commit, not the newest" : "update ignored";
    String step = "resolve-update#" + (Math.max(state.deployments, state.deployAttempts) + 1);
    try {
      PullRequestHead head =
          runCancellableFor(
              () ->
                  steps.critical(
                      step,
                      () ->
                          Workflow.newActivityStub(
                                  GitHubActivities.class,
                                  state.options.shortCall("Look up the pull request's head"))
                              .resolvePullRequest(state.pullRequestRef())));
      if (head == null || head.headSha() == null) {
        state.warnings.add(ignored + ": GitHub named no head commit");
        return null;
      }
      return head.headSha();
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        state.warnings.add(ignored + ": the pull request's head: " + e.getMessage());
      }
      return null;
    }
  }

  /**
   * The preview stays on the commit deployed before; a deployment that ran may have changed the
   * site, so that commit is deployed again.
   */
  private void updateFailed(StepFailed e, boolean pinned, String previousSha) {
    String failedSha = state.headSha;
    state.warnings.add(
        "update to " + FailureText.shortSha(failedSha) + " failed: " + e.getMessage());
    if (!pinned) {
      return;
    }
    state.lastUpdateFailure =
        new UpdateFailure(
            failedSha, state.branch, e.step(), e.getMessage(), e.log(), PreviewState.now());
    state.updateDetails();
    // Reading the preview file touches nothing; writing the script alone changes no running code.
    boolean siteTouched =
        !e.step().startsWith("deploy-script") && !e.step().startsWith("read-preview-file");
    if (!siteTouched || previousSha == null) {
      return;
    }
    try {
      runCancellable(() -> pipeline.deploy(previousSha));
    } catch (StepFailed again) {
      noticeCancellation();
      if (!destroyRequested) {
        state.warnings.add(
            "redeploying "
                + FailureText.shortSha(previousSha)
                + " after the failed update failed too, the site may be broken: "
                + again.getMessage());
      }
    }
  }

  private boolean shouldContinueAsNew() {
    boolean due =
        state.deploymentsThisRun >= Math.max(1, state.settings.continueAsNewAfterDeployments())
            || Workflow.getInfo().isContinueAsNewSuggested();
    return due && Workflow.isEveryHandlerFinished();
  }

  private void continueAsNew() {
    if (state.steps.size() > CARRIED_STEPS) {
      List<StepRecord> kept = new ArrayList<>(state.steps.subList(0, CARRIED_STEPS / 2));
      kept.addAll(state.steps.subList(state.steps.size() - CARRIED_STEPS / 2, state.steps.size()));
      state.steps.clear();
      state.steps.addAll(kept);
    }
    if (state.warnings.size() > CARRIED_WARNINGS) {
      List<String> newest =
          new ArrayList<>(
              state.warnings.subList(
                  state.warnings.size() - CARRIED_WARNINGS, state.warnings.size()));
      state.warnings.clear();
      state.warnings.addAll(newest);
    }
    CarriedState carried =
        new CarriedState(
            state.settings,
            status(),
            state.expiresAtMillis,
            pendingUpdate,
            destroySignal,
            destroyRequested,
            List.copyOf(recentDeliveries),
            state.requestedSha,
            admissionCoordinator);
    Workflow.continueAsNew(state.request.withCarried(carried));
  }

  private void restore(CarriedState carried) {
    // A run continued from one recorded before keys-only settings drops the values here.
    state.settings = carried.settings().withEnvironmentKeysOnly();
    state.options = new PreviewActivityOptions(state.settings.timeouts());
    PreviewStatus previous = carried.status();
    state.phase = previous.phase();
    state.previewUrl = previous.previewUrl();
    state.branch = previous.branch();
    state.headSha = previous.headSha();
    state.deployedSha = previous.deployedSha();
    state.requestedSha =
        carried.requestedSha() != null ? carried.requestedSha() : previous.deployedSha();
    state.resources = previous.resources();
    // A run continued from the first release carried no names: it created them under the legacy
    // naming, the only one there was.
    state.names =
        previous.names() != null
            ? previous.names()
            : PreviewNames.of(state.settings, state.number(), PreviewNames.LEGACY);
    state.compose = previous.compose();
    state.warnings.addAll(previous.warnings());
    state.steps.addAll(previous.steps());
    state.deployments = previous.deployments();
    state.failureLog = previous.failureLog();
    state.lastUpdateFailure = previous.lastUpdateFailure();
    state.data = previous.data();
    state.access = previous.access();
    state.expiresAtMillis = carried.expiresAtMillis() + pendingExtensionMillis;
    pendingExtensionMillis = 0;
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
    admissionCoordinator = carried.admissionCoordinator();
    compensations.registerEverything();
  }

  // ---- teardown and rollback -------------------------------------------------------------

  private void teardown() {
    state.setPhase(Phase.DESTROYING);
    publish();
    Workflow.newDetachedCancellationScope(
            () -> {
              compensations.flushRedis();
              state.leftBehind.addAll(compensations.compensate());
            })
        .run();
    if (state.leftBehind.isEmpty()) {
      finishDestroyed();
    } else {
      finishTeardownFailed();
    }
  }

  private void rollBack() {
    Workflow.newDetachedCancellationScope(
            () -> {
              if (admissionCoordinator != null) {
                // The Redis database goes back to the pool: nothing of this preview may stay in it.
                compensations.flushRedis();
              }
              state.leftBehind.addAll(compensations.compensate());
            })
        .run();
  }

  private void finishDestroyed() {
    state.setPhase(Phase.DESTROYED);
    publish();
    notifyPhase(Phase.DESTROYED);
  }

  /**
   * The rounds are spent: the run ends (freeing its id) with what is left in its status, and the
   * cleanup schedule deletes those leftovers as orphans, since no running preview owns them.
   */
  private void finishTeardownFailed() {
    log.warn("{}: teardown gave up, left behind {}", state.previewId, state.leftBehind);
    state.setPhase(Phase.TEARDOWN_FAILED);
    publish();
    notifyPhase(Phase.TEARDOWN_FAILED);
  }

  // ---- admission -------------------------------------------------------------------------

  /**
   * Asks the coordinator for a slot and waits {@code QUEUED} until it grants one, publishing the
   * place it is told. False when a destroy (a closed pull request) came first: the preview left the
   * queue and ends DESTROYED, nothing created.
   */
  private boolean awaitAdmission() {
    PreviewSettings settings = state.settings;
    AdmissionSettings rules = settings.admissionOrDefaults();
    boolean portPool =
        isCompose() && Workflow.getVersion(COMPOSE_PORT_POOL, Workflow.DEFAULT_VERSION, 1) >= 1;
    admissionCoordinator =
        portPool
            ? PreviewIds.composeHostAdmissionId(settings.compose().host())
            : PreviewIds.admissionId(state.request.owner(), state.request.repo(), settings);
    Map<String, IntRange> pools = new HashMap<>();
    if (portPool) {
      PreviewSettings.ComposeHost host = settings.compose();
      pools.put(
          Admission.PORT_POOL,
          new IntRange(host.portBase(), host.portBase() + Math.max(1, host.portCount()) - 1));
    } else if (settings.mode() == PreviewSettings.Mode.SHARED) {
      pools.put(
          Admission.REDIS_POOL,
          new IntRange(rules.redisFirstDatabase(), rules.redisLastDatabase()));
    }
    long queuedAt = Workflow.currentTimeMillis();
    String startedAt = PreviewState.now();
    int step = state.steps.size();
    state.steps.add(
        new StepRecord(
            "admission", StepRecord.StepState.RUNNING, 1, startedAt, null, admissionCoordinator));
    state.setPhase(Phase.QUEUED);
    admission("Ask " + admissionCoordinator + " for a slot")
        .requestSlot(
            new SlotRequest(
                admissionCoordinator,
                state.previewId,
                PreviewIds.repositoryKey(state.request.owner(), state.request.repo()),
                settings.maxConcurrentPreviews(),
                pools,
                rules.breakerFailures(),
                rules.breakerCoolDown()));
    while (grant == null && !destroyRequested) {
      Workflow.await(() -> grant != null || destroyRequested || queueNotice != null);
      if (queueNotice != null && grant == null && !destroyRequested) {
        QueueNotice notice = queueNotice;
        queueNotice = null;
        state.queue =
            new PreviewStatus.QueueStatus(
                notice.position(), notice.length(), notice.reason(), admissionCoordinator);
        Workflow.upsertTypedSearchAttributes(
            PreviewIds.QUEUE_POSITION.valueSet((long) notice.position()));
        state.updateDetails();
        publish();
      }
    }
    state.queue = null;
    Workflow.upsertTypedSearchAttributes(PreviewIds.QUEUE_POSITION.valueUnset());
    state.steps.set(
        step,
        new StepRecord(
            "admission",
            grant != null ? StepRecord.StepState.SUCCEEDED : StepRecord.StepState.FAILED,
            1,
            startedAt,
            PreviewState.now(),
            grant != null
                ? "slot granted by " + admissionCoordinator
                : "left the queue: destroy requested"));
    if (destroyRequested) {
      // Out of the queue (or the slot just granted given back) with nothing created.
      finishDestroyed();
      return false;
    }
    Integer redis = grant.allocated() == null ? null : grant.allocated().get(Admission.REDIS_POOL);
    if (redis != null) {
      state.names = state.names.withRedisDatabase(redis);
    }
    state.grantedPort =
        grant.allocated() == null ? null : grant.allocated().get(Admission.PORT_POOL);
    // The lifetime counts from the admission, not from the request.
    state.expiresAtMillis += Workflow.currentTimeMillis() - queuedAt;
    if (pendingUpdate != null && pendingUpdate.headSha() != null) {
      // Commits pushed while queued: the first deployment takes the newest one.
      state.headSha = pendingUpdate.headSha();
      if (pendingUpdate.branch() != null) {
        state.branch = pendingUpdate.branch();
      }
      pendingUpdate = null;
    }
    state.setPhase(Phase.PROVISIONING);
    return true;
  }

  private void reportSuccess() {
    if (admissionCoordinator == null) {
      return;
    }
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                admission("Report the success to " + admissionCoordinator)
                    .reportOutcome(
                        new SlotRelease(admissionCoordinator, state.previewId, Outcome.SUCCEEDED));
              } catch (ActivityFailure e) {
                state.warnings.add(
                    "the admission coordinator was not told of the success: "
                        + FailureText.reason(e));
              }
            })
        .run();
  }

  /** Frees the slot (or the place in the queue) once everything of this run is gone. */
  private void releaseSlot() {
    if (admissionCoordinator == null) {
      return;
    }
    String coordinator = admissionCoordinator;
    admissionCoordinator = null;
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                admission("Release the slot of " + coordinator)
                    .releaseSlot(new SlotRelease(coordinator, state.previewId, failure));
              } catch (ActivityFailure e) {
                // The coordinator's reconciliation frees it once this run has ended.
                state.warnings.add(
                    "the slot was not released (the coordinator frees it later): "
                        + FailureText.reason(e));
              }
            })
        .run();
  }

  private AdmissionActivities admission(String summary) {
    return Workflow.newActivityStub(
        AdmissionActivities.class, state.options.compensation(summary, PreviewIds.TASK_QUEUE));
  }

  // ---- comment permissions ---------------------------------------------------------------

  /** One answer from GitHub, shared by the handlers that ask within {@link #PERMISSION_TTL}. */
  private record Verdict(Promise<CommenterPermission> answer, long askedAtMillis) {}

  /**
   * Whether {@code login} may run {@code command}, asked of GitHub. A refusal is answered on the
   * pull request when {@code replyId} is set. GitHub unreachable counts as a refusal: a command
   * that cannot be checked is not run.
   */
  private boolean permitted(String login, String command, String replyId) {
    if (Workflow.getVersion(COMMENT_PERMISSION, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return true; // runs that started before the check: the gateway's check stands
    }
    // Signal-with-start hands the signal over before run() has read its input.
    Workflow.await(() -> state.request != null);
    String why;
    if (login == null || login.isBlank()) {
      why = "cannot be checked: the comment names no author";
    } else {
      try {
        CommenterPermission answer = verdict(login).get();
        if (answer.allowed()) {
          return true;
        }
        why =
            "needs write access to the repository; @"
                + login
                + " has "
                + (answer.permission() == null ? "none" : answer.permission());
      } catch (ActivityFailure e) {
        verdicts.remove(login);
        why = "could not be checked with GitHub (" + FailureText.reason(e) + "); try again later";
      }
    }
    log.info("{}: {} by {} refused: {}", state.previewId, command, login, why);
    if (replyId != null) {
      String text = why;
      Workflow.newDetachedCancellationScope(
              () -> {
                try {
                  github("Reply that " + command + " was refused")
                      .refuseCommand(
                          new RefuseCommandRequest(
                              state.pullRequestRef(), replyId, login, command, text));
                } catch (ActivityFailure e) {
                  log.warn(
                      "{}: the refusal reply failed: {}", state.previewId, FailureText.reason(e));
                }
              })
          .run();
    }
    return false;
  }

  private Promise<CommenterPermission> verdictPromise(String login) {
    GitHubActivities github = github("Check the permission of " + login);
    return Async.function(
        github::commenterPermission,
        new PermissionRequest(state.request.owner(), state.request.repo(), login));
  }

  private Promise<CommenterPermission> verdict(String login) {
    long now = Workflow.currentTimeMillis();
    Verdict known = verdicts.get(login);
    if (known == null || now - known.askedAtMillis() > PERMISSION_TTL.toMillis()) {
      known = new Verdict(verdictPromise(login), now);
      verdicts.put(login, known);
    }
    return known.answer();
  }

  private GitHubActivities github(String summary) {
    return Workflow.newActivityStub(GitHubActivities.class, state.options.shortCall(summary));
  }

  private static String replyId() {
    return Workflow.randomUUID().toString();
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Runs work that {@code destroy} may interrupt and returns its result. */
  private <T> T runCancellableFor(Supplier<T> work) {
    List<T> result = new ArrayList<>(1);
    runCancellable(() -> result.add(work.get()));
    return result.get(0);
  }

  /** Runs work that {@code destroy} may interrupt. */
  private void runCancellable(Runnable work) {
    workScope = Workflow.newCancellationScope(work);
    if (destroyRequested) {
      // A destroy that arrived while no work scope existed (settings, a publish).
      workScope.cancel("destroy requested");
    }
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

  /**
   * The TTL wait. Since version 1 its timer carries a summary for the Web UI ("TTL: expires
   * 2026-12-01 06:20 UTC") instead of a bare id; histories recorded before wait as they did.
   */
  private void awaitTtl(Duration timeout, Supplier<Boolean> condition) {
    int version = Workflow.getVersion(TTL_TIMER_SUMMARY, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      awaitCancellable(timeout, condition);
      return;
    }
    String summary = "TTL: expires " + PreviewState.minutes(state.expiresAtMillis);
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> {
              Promise<Void> timer =
                  Workflow.newTimer(timeout, TimerOptions.newBuilder().setSummary(summary).build());
              Workflow.await(() -> timer.isCompleted() || condition.get());
            });
    scope.run();
    scope.cancel();
  }

  private static final String TTL_TIMER_SUMMARY = "ttl-timer-summary";

  private void fail(StepFailed e) {
    state.failedStep = e.step();
    state.failureReason = e.getMessage();
    state.failureLog = e.log();
  }

  /** Updates the PR comment and deployment; GitHub being down never fails the preview. */
  private void publish() {
    // Detached: a cancelled workflow still reports its teardown on the pull request.
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                Workflow.newActivityStub(
                        GitHubActivities.class, state.options.shortCall("Update the pull request"))
                    .publishStatus(new PublishStatusRequest(state.pullRequestRef(), status()));
              } catch (ActivityFailure e) {
                log.warn(
                    "publishing the status of {} failed: {}",
                    state.previewId,
                    FailureText.reason(e));
              }
            })
        .run();
  }

  /**
   * Sends the repository's notification when it asks for {@code phase} (its URL stays with the
   * worker). Detached, like {@link #publish()}; retried a few times by the activity's policy, and a
   * notification that still fails is a warning in the status, never a failed preview.
   */
  private void notifyPhase(Phase phase) {
    if (state.settings == null
        || !state.settings.notifies(phase)
        || Workflow.getVersion(NOTIFICATIONS, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    String event = phase.name().toLowerCase(java.util.Locale.ROOT);
    PreviewNotification notification =
        new PreviewNotification(
            state.settings.repository(),
            state.number(),
            state.previewId,
            event,
            phase,
            state.previewUrl,
            state.deployedSha != null ? state.deployedSha : state.headSha,
            state.branch,
            state.failedStep,
            state.failureReason,
            state.leftBehind.stream().map(l -> l.resource() + " " + l.name()).toList(),
            PreviewState.now(),
            state.settings.notifications().format());
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                Workflow.newActivityStub(
                        NotificationActivities.class,
                        state.options.notification("Notify: preview " + event))
                    .notifyPreview(notification);
              } catch (ActivityFailure e) {
                state.warnings.add(
                    "notification of " + event + " failed: " + FailureText.reason(e));
              }
            })
        .run();
  }

  /**
   * A workflow cancelled by an operator ({@code temporal workflow cancel}) is torn down like a
   * {@code destroy}: cancellation must never leave Forge resources behind (sdk-java #305).
   */
  private void noticeCancellation() {
    if (rootScope != null && rootScope.isCancelRequested() && !destroyRequested) {
      destroyRequested = true;
      destroySignal = new DestroySignal("workflow cancelled", null);
    }
  }

  private boolean isCompose() {
    return state.settings.effectiveBackend() == Backend.COMPOSE;
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
}
