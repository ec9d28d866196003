package dev.forgepreview.workflows;

import dev.forgepreview.workflows.StepRunner.StepFailed;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.SettingsActivities;
import dev.forgepreview.workflows.activities.SettingsActivities.SettingsRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

  /** Step records a continued run keeps: the provisioning ones and the newest updates. */
  private static final int CARRIED_STEPS = 40;

  private final PreviewState state = new PreviewState();
  private final StepRunner steps = new StepRunner(state);
  private final Compensations compensations = new Compensations(state, steps);
  private final ProvisioningPipeline pipeline =
      new ProvisioningPipeline(state, steps, compensations, this::publish);
  private UpdateSignal pendingUpdate;
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
      if (!loadSettings()) {
        return status();
      }
      provision();
    }
    if (state.phase == Phase.READY || state.phase == Phase.UPDATING) {
      liveUntilDestroyed();
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
    if (state.phase.isFinal() || destroyRequested) {
      return;
    }
    String branch =
        update.branch() != null
            ? update.branch()
            : pendingUpdate != null ? pendingUpdate.branch() : null;
    pendingUpdate =
        new UpdateSignal(update.headSha(), branch, update.deliveryId(), update.requestedBy());
  }

  @Override
  public void destroy(DestroySignal signal) {
    if (destroyRequested || state.phase.isFinal()) {
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
    state.previewUrl = "https://" + PreviewNames.siteDomain(state.settings, state.number());
    return true;
  }

  private void provision() {
    publish();
    try {
      runCancellable(pipeline::run);
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        fail(e);
      }
      rollBack();
      if (destroyRequested) {
        finishDestroyed();
      } else {
        state.setPhase(Phase.FAILED);
        publish();
      }
      return;
    }
    if (destroyRequested) {
      teardown();
      return;
    }
    state.setPhase(Phase.READY);
    publish();
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
    String sha = update.headSha();
    if (sha == null && pinned) {
      // A comment (/update, /preview) carries no sha: the approval pins the head it sees now.
      sha = resolveHead();
      if (sha == null) {
        return;
      }
    }
    // Compared with the sha that was asked for too: Forge reports the commit it deployed, which
    // may name the same change differently, and the start's own update signal must not redeploy.
    if (sha != null && (sha.equals(state.requestedSha) || sha.equals(state.deployedSha))) {
      return;
    }
    String previousSha = state.requestedSha;
    if (sha != null) {
      state.headSha = sha;
    }
    state.setPhase(Phase.UPDATING);
    publish();
    try {
      runCancellable(() -> pipeline.deploy(state.headSha));
      state.lastUpdateFailure = null;
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        updateFailed(e, pinned, previousSha);
      }
    }
    if (!destroyRequested) {
      state.setPhase(Phase.READY);
      publish();
    }
  }

  /** The pull request's head sha now, or null (with a warning) when it cannot be used. */
  private String resolveHead() {
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
        state.warnings.add("update ignored: GitHub named no head commit");
        return null;
      }
      return head.headSha();
    } catch (StepFailed e) {
      noticeCancellation();
      if (!destroyRequested) {
        state.warnings.add("update ignored: the pull request's head: " + e.getMessage());
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
    boolean siteTouched = !e.step().startsWith("deploy-script");
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
            state.requestedSha);
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
    state.warnings.addAll(previous.warnings());
    state.steps.addAll(previous.steps());
    state.deployments = previous.deployments();
    state.failureLog = previous.failureLog();
    state.lastUpdateFailure = previous.lastUpdateFailure();
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
    compensations.registerEverything();
  }

  // ---- teardown and rollback -------------------------------------------------------------

  private void teardown() {
    state.setPhase(Phase.DESTROYING);
    publish();
    Workflow.newDetachedCancellationScope(
            () -> {
              compensations.flushRedis();
              compensations.compensate();
            })
        .run();
    finishDestroyed();
  }

  private void rollBack() {
    Workflow.newDetachedCancellationScope(compensations::compensate).run();
  }

  private void finishDestroyed() {
    state.setPhase(Phase.DESTROYED);
    publish();
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
   * A workflow cancelled by an operator ({@code temporal workflow cancel}) is torn down like a
   * {@code destroy}: cancellation must never leave Forge resources behind (sdk-java #305).
   */
  private void noticeCancellation() {
    if (rootScope != null && rootScope.isCancelRequested() && !destroyRequested) {
      destroyRequested = true;
      destroySignal = new DestroySignal("workflow cancelled", null);
    }
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
