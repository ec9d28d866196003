package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Admission.BreakerReset;
import dev.forgepreview.workflows.Admission.IntRange;
import dev.forgepreview.workflows.Admission.Outcome;
import dev.forgepreview.workflows.Admission.QueueNotice;
import dev.forgepreview.workflows.Admission.SlotGrant;
import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import dev.forgepreview.workflows.activities.AdmissionActivities;
import dev.forgepreview.workflows.activities.AdmissionActivities.RunningPreviewsRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * The coordinator's loop: grant what fits, tell queued previews their place when it crossed a
 * notified position, reconcile holders with Temporal now and then, continue-as-new when the history
 * is long, then wait for a signal, a breaker's cool-down or the next reconciliation. Signal
 * handlers only change state; every outgoing signal and activity runs in the loop.
 */
public class AdmissionWorkflowImpl implements AdmissionWorkflow {
  private static final Logger log = Workflow.getLogger(AdmissionWorkflowImpl.class);
  private static final Duration DEFAULT_RECONCILE = Duration.ofMinutes(5);
  private static final int DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;
  private static final Duration DEFAULT_COOL_DOWN = Duration.ofMinutes(15);

  private final AdmissionActivities activities =
      Workflow.newActivityStub(
          AdmissionActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(2))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(5)
                      .build())
              .setSummary("Which holders still run")
              .build());

  private final Map<String, Holder> holders = new LinkedHashMap<>();
  private final List<Waiter> queue = new ArrayList<>();
  private final Map<String, RepositoryRules> repositories = new LinkedHashMap<>();
  private final Map<String, Breaker> breakers = new TreeMap<>();
  private final Map<String, IntegerPool> pools = new TreeMap<>();
  private String lastTurn;
  private long granted;
  private long released;
  private boolean changed;
  private AdmissionInput input;

  @Override
  public void run(AdmissionInput runInput) {
    input = runInput == null ? AdmissionInput.defaults() : runInput;
    if (input.carried() != null) {
      restore(input.carried());
    }
    Duration reconcileEvery = duration(input.reconcileInterval(), DEFAULT_RECONCILE);
    long nextReconcile = Workflow.currentTimeMillis() + reconcileEvery.toMillis();
    while (true) {
      changed = false;
      grantWhatFits();
      notifyQueue();
      if (Workflow.currentTimeMillis() >= nextReconcile) {
        reconcile();
        nextReconcile = Workflow.currentTimeMillis() + reconcileEvery.toMillis();
        continue;
      }
      if (shouldContinueAsNew()) {
        Workflow.continueAsNew(
            new AdmissionInput(
                admission(), input.reconcileInterval(), input.continueAsNewAfterEvents()));
      }
      long wake = nextReconcile;
      if (holders.isEmpty() && queue.isEmpty()) {
        wake = Long.MAX_VALUE; // nothing to reconcile: sleep until a preview asks
      }
      wake = Math.min(wake, nextBreakerChange());
      awaitChange(wake);
    }
  }

  // ---- signals ---------------------------------------------------------------------------

  @Override
  public void request(SlotRequest request) {
    if (request == null || request.previewId() == null || request.repository() == null) {
      return;
    }
    repositories.put(
        request.repository(),
        new RepositoryRules(
            Math.max(0, request.cap()),
            Math.max(1, request.breakerFailures()),
            request.breakerCoolDown()));
    changed = true;
    Holder holder = holders.get(request.previewId());
    if (holder != null) {
      // Asked again (a reset run, a retried activity): the slot it holds is granted again.
      holders.put(request.previewId(), withResend(holder));
      return;
    }
    if (queue.stream().anyMatch(w -> w.previewId().equals(request.previewId()))) {
      return;
    }
    Map<String, IntRange> wanted =
        request.pools() == null ? Map.of() : new TreeMap<>(request.pools());
    queue.add(
        new Waiter(request.previewId(), request.repository(), wanted, now(), 0, null, 0, null));
  }

  @Override
  public void release(SlotRelease release) {
    if (release == null || release.previewId() == null) {
      return;
    }
    changed = true;
    queue.removeIf(w -> w.previewId().equals(release.previewId()));
    Holder holder = holders.remove(release.previewId());
    if (holder != null) {
      released++;
      pools.replaceAll((name, pool) -> pool.release(release.previewId()));
      count(holder, release.outcome());
    }
  }

  @Override
  public void report(SlotRelease outcome) {
    if (outcome == null || outcome.previewId() == null || outcome.outcome() == null) {
      return;
    }
    Holder holder = holders.get(outcome.previewId());
    if (holder == null) {
      return;
    }
    changed = true;
    count(holder, outcome.outcome());
    if (holder.probe()) {
      holders.put(
          holder.previewId(),
          new Holder(
              holder.previewId(), holder.repository(), holder.allocated(), holder.since(), false));
    }
  }

  @Override
  public void resetBreaker(BreakerReset reset) {
    String repository = reset == null ? null : reset.repository();
    changed = true;
    if (repository == null || repository.isBlank()) {
      log.info("every circuit breaker reset");
      breakers.clear();
    } else {
      log.info("circuit breaker of {} reset", repository);
      breakers.remove(repository.toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Override
  public AdmissionState admission() {
    return new AdmissionState(
        List.copyOf(holders.values()),
        List.copyOf(queue),
        new LinkedHashMap<>(repositories),
        new TreeMap<>(breakers),
        new TreeMap<>(pools),
        lastTurn,
        granted,
        released);
  }

  // ---- granting --------------------------------------------------------------------------

  /** A holder whose grant is sent again on the next turn of the loop. */
  private final Set<String> resend = new HashSet<>();

  private Holder withResend(Holder holder) {
    resend.add(holder.previewId());
    return holder;
  }

  /**
   * Grants in turns: each repository in the order it first asked, starting after the one granted
   * last, gets its oldest waiter admitted when its cap, its breaker and the pools allow; repeated
   * until no repository can take one more.
   */
  private void grantWhatFits() {
    List<Holder> newly = new ArrayList<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (String repository : turnOrder()) {
        Waiter next = firstWaiter(repository);
        if (next == null || blockedReason(repository) != null || !poolsFree(next)) {
          continue;
        }
        newly.add(admit(next));
        lastTurn = repository;
        progress = true;
        break;
      }
    }
    for (String id : resend) {
      Holder holder = holders.get(id);
      if (holder != null && !newly.contains(holder)) {
        newly.add(holder);
      }
    }
    resend.clear();
    sendGrants(newly);
  }

  private Holder admit(Waiter waiter) {
    queue.remove(waiter);
    Map<String, Integer> allocated = new TreeMap<>();
    waiter
        .pools()
        .forEach(
            (name, range) -> {
              IntegerPool pool = pool(name, range);
              int value = pool.next(waiter.previewId()).orElseThrow();
              pools.put(name, pool.take(waiter.previewId(), value));
              allocated.put(name, value);
            });
    Breaker breaker = breaker(waiter.repository());
    boolean probe = breaker.state() != BreakerState.CLOSED;
    if (breaker.state() == BreakerState.OPEN) {
      breakers.put(
          waiter.repository(),
          new Breaker(
              BreakerState.HALF_OPEN, breaker.consecutiveFailures(), breaker.openedAtMillis()));
    }
    Holder holder = new Holder(waiter.previewId(), waiter.repository(), allocated, now(), probe);
    holders.put(holder.previewId(), holder);
    granted++;
    log.info(
        "granted {} ({}; {} of {} held)",
        holder.previewId(),
        allocated,
        held(holder.repository()),
        cap(holder.repository()));
    return holder;
  }

  /**
   * Sends the grants at once; a preview that is gone loses the slot again (the SDK reports a signal
   * to a closed workflow as an {@code ApplicationFailure} of type {@code
   * SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND}).
   */
  private void sendGrants(List<Holder> grants) {
    if (grants.isEmpty()) {
      return;
    }
    String coordinatorId = Workflow.getInfo().getWorkflowId();
    Map<Holder, Promise<Void>> sent = new LinkedHashMap<>();
    for (Holder holder : grants) {
      SlotGrant grant = new SlotGrant(coordinatorId, holder.allocated());
      sent.put(
          holder,
          Async.procedure(
              () ->
                  Workflow.newUntypedExternalWorkflowStub(holder.previewId())
                      .signal(PreviewIds.SIGNAL_ADMITTED, grant)));
    }
    sent.forEach(
        (holder, promise) -> {
          try {
            promise.get();
          } catch (SignalExternalWorkflowException | ApplicationFailure e) {
            log.info("{} is gone: its slot is free again", holder.previewId());
            release(new SlotRelease(coordinatorId, holder.previewId(), null));
          }
        });
  }

  /** Why a repository's next waiter cannot be admitted now, or null when it can. */
  private String blockedReason(String repository) {
    int cap = cap(repository);
    int held = held(repository);
    if (cap > 0 && held >= cap) {
      return "waiting for a slot: " + held + " of " + cap + " previews of " + repository + " run";
    }
    Breaker breaker = breaker(repository);
    switch (breaker.state()) {
      case OPEN -> {
        long halfOpen = breaker.openedAtMillis() + coolDown(repository).toMillis();
        if (Workflow.currentTimeMillis() < halfOpen) {
          return "circuit breaker open after "
              + breaker.consecutiveFailures()
              + " infrastructure failures in a row: one probe preview may start at "
              + PreviewState.minutes(halfOpen)
              + " (or an operator resets it)";
        }
        return null;
      }
      case HALF_OPEN -> {
        boolean probing =
            holders.values().stream().anyMatch(h -> h.probe() && h.repository().equals(repository));
        return probing ? "circuit breaker half-open: waiting for the probe preview" : null;
      }
      default -> {
        return null;
      }
    }
  }

  private boolean poolsFree(Waiter waiter) {
    return waiter.pools().entrySet().stream()
        .allMatch(e -> pool(e.getKey(), e.getValue()).next(waiter.previewId()).isPresent());
  }

  private String poolReason(Waiter waiter) {
    for (Map.Entry<String, IntRange> e : waiter.pools().entrySet()) {
      IntegerPool pool = pool(e.getKey(), e.getValue());
      OptionalInt free = pool.next(waiter.previewId());
      if (free.isEmpty()) {
        if (Admission.PORT_POOL.equals(e.getKey())) {
          return "no free port on this host (" + pool.range() + " all in use)";
        }
        String what = Admission.REDIS_POOL.equals(e.getKey()) ? "Redis database" : e.getKey();
        return "no free " + what + " on this server (" + pool.range() + " all in use)";
      }
    }
    return null;
  }

  private IntegerPool pool(String name, IntRange range) {
    IntegerPool pool = pools.get(name);
    if (pool == null) {
      pool = IntegerPool.of(name, range);
    } else {
      pool = pool.withRange(range);
    }
    pools.put(name, pool);
    return pool;
  }

  // ---- the queue's positions -------------------------------------------------------------

  /**
   * The waiters in the order they would be admitted if every slot freed at once: in turns across
   * repositories, oldest first within each.
   */
  private List<Waiter> grantOrder() {
    Map<String, List<Waiter>> byRepository = new LinkedHashMap<>();
    for (String repository : turnOrder()) {
      byRepository.put(repository, new ArrayList<>());
    }
    for (Waiter w : queue) {
      byRepository.computeIfAbsent(w.repository(), r -> new ArrayList<>()).add(w);
    }
    List<Waiter> order = new ArrayList<>();
    boolean any = true;
    for (int round = 0; any; round++) {
      any = false;
      for (List<Waiter> waiting : byRepository.values()) {
        if (round < waiting.size()) {
          order.add(waiting.get(round));
          any = true;
        }
      }
    }
    return order;
  }

  /**
   * Tells a queued preview its place when it joins, when its reason changes, when its position
   * drops onto one of {@link #NOTIFIED_POSITIONS}, and when another repository's turn moved it
   * back, so one grant costs a handful of signals however long the queue is.
   */
  private void notifyQueue() {
    List<Waiter> order = grantOrder();
    int length = order.size();
    List<Promise<Void>> sent = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      Waiter w = order.get(i);
      int position = i + 1;
      String reason = blockedReason(w.repository());
      if (reason == null) {
        reason = poolReason(w);
      }
      if (reason == null) {
        reason = "waiting behind earlier previews";
      }
      boolean tell =
          w.notifiedPosition() == 0
              || !reason.equals(w.notifiedReason())
              || (position < w.notifiedPosition() && notified(position))
              || position > w.notifiedPosition();
      Waiter now =
          new Waiter(
              w.previewId(),
              w.repository(),
              w.pools(),
              w.since(),
              position,
              reason,
              tell ? position : w.notifiedPosition(),
              tell ? reason : w.notifiedReason());
      queue.set(queue.indexOf(w), now);
      if (tell) {
        QueueNotice notice = new QueueNotice(position, length, reason);
        sent.add(
            Async.procedure(
                () ->
                    Workflow.newUntypedExternalWorkflowStub(w.previewId())
                        .signal(PreviewIds.SIGNAL_QUEUED, notice)));
      }
    }
    for (Promise<Void> promise : sent) {
      try {
        promise.get();
      } catch (SignalExternalWorkflowException | ApplicationFailure e) {
        // The preview is gone; the next reconciliation takes it out of the queue.
        log.info("a queued preview could not be told its place: {}", e.getMessage());
      }
    }
  }

  private static boolean notified(int position) {
    return NOTIFIED_POSITIONS.contains(position) || position % 100 == 0;
  }

  // ---- breakers ----------------------------------------------------------------------------

  private void count(Holder holder, Outcome outcome) {
    if (outcome == null) {
      return;
    }
    String repository = holder.repository();
    Breaker breaker = breaker(repository);
    switch (outcome) {
      case SUCCEEDED -> breakers.remove(repository);
      case INFRASTRUCTURE_FAILURE -> {
        int failures = breaker.consecutiveFailures() + 1;
        int threshold = repositories.getOrDefault(repository, defaultRules()).breakerFailures();
        boolean open =
            (holder.probe() && breaker.state() == BreakerState.HALF_OPEN) || failures >= threshold;
        if (open) {
          log.warn("circuit breaker of {} open after {} failures", repository, failures);
        }
        breakers.put(
            repository,
            open
                ? new Breaker(BreakerState.OPEN, failures, Workflow.currentTimeMillis())
                : new Breaker(breaker.state(), failures, breaker.openedAtMillis()));
      }
      default -> {
        // The pull request's own code failed: no sign of the infrastructure either way.
      }
    }
  }

  private Breaker breaker(String repository) {
    return breakers.getOrDefault(repository, Breaker.closed());
  }

  /** When the next open breaker half-opens, or never. */
  private long nextBreakerChange() {
    long next = Long.MAX_VALUE;
    for (Map.Entry<String, Breaker> e : breakers.entrySet()) {
      if (e.getValue().state() == BreakerState.OPEN && firstWaiter(e.getKey()) != null) {
        next = Math.min(next, e.getValue().openedAtMillis() + coolDown(e.getKey()).toMillis());
      }
    }
    return next;
  }

  private Duration coolDown(String repository) {
    return duration(
        repositories.getOrDefault(repository, defaultRules()).breakerCoolDown(), DEFAULT_COOL_DOWN);
  }

  // ---- reconciliation and continue-as-new ----------------------------------------------------

  /** Holders and waiters whose workflow no longer runs (terminated, timed out) are dropped. */
  private void reconcile() {
    List<String> ids = new ArrayList<>(holders.keySet());
    queue.forEach(w -> ids.add(w.previewId()));
    if (ids.isEmpty()) {
      return;
    }
    List<String> running;
    try {
      running = activities.runningPreviews(new RunningPreviewsRequest(ids));
    } catch (ActivityFailure e) {
      log.warn("reconciliation failed, tried again later: {}", FailureText.reason(e));
      return;
    }
    Set<String> alive = new HashSet<>(running);
    String coordinatorId = Workflow.getInfo().getWorkflowId();
    for (String id : ids) {
      if (!alive.contains(id)) {
        log.info("{} no longer runs: its slot or place is freed", id);
        release(new SlotRelease(coordinatorId, id, null));
      }
    }
  }

  private boolean shouldContinueAsNew() {
    int limit =
        input.continueAsNewAfterEvents() == null
            ? DEFAULT_CONTINUE_AS_NEW_AFTER
            : input.continueAsNewAfterEvents();
    boolean due =
        Workflow.getInfo().getHistoryLength() >= limit
            || Workflow.getInfo().isContinueAsNewSuggested();
    return due && Workflow.isEveryHandlerFinished() && !changed;
  }

  private void restore(AdmissionState carried) {
    carried.holders().forEach(h -> holders.put(h.previewId(), h));
    queue.addAll(carried.queue());
    repositories.putAll(carried.repositories());
    breakers.putAll(carried.breakers());
    pools.putAll(carried.pools());
    lastTurn = carried.lastTurn();
    granted = carried.granted();
    released = carried.released();
  }

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * Waits for a signal or until {@code wakeAtMillis}. {@code Workflow.await} with a timeout leaves
   * its timer running (sdk-java #2312), so it runs in its own scope, cancelled afterwards.
   */
  private void awaitChange(long wakeAtMillis) {
    if (wakeAtMillis == Long.MAX_VALUE) {
      Workflow.await(() -> changed);
      return;
    }
    Duration timeout = Duration.ofMillis(Math.max(1, wakeAtMillis - Workflow.currentTimeMillis()));
    CancellationScope scope =
        Workflow.newCancellationScope(() -> Workflow.await(timeout, () -> changed));
    scope.run();
    scope.cancel();
  }

  /** Repositories in the order they first asked, starting after the one granted last. */
  private List<String> turnOrder() {
    List<String> all = new ArrayList<>(repositories.keySet());
    int last = lastTurn == null ? -1 : all.indexOf(lastTurn);
    List<String> order = new ArrayList<>(all.subList(last + 1, all.size()));
    order.addAll(all.subList(0, last + 1));
    return order;
  }

  private Waiter firstWaiter(String repository) {
    return queue.stream().filter(w -> w.repository().equals(repository)).findFirst().orElse(null);
  }

  private int held(String repository) {
    return (int) holders.values().stream().filter(h -> h.repository().equals(repository)).count();
  }

  private int cap(String repository) {
    return repositories.getOrDefault(repository, defaultRules()).cap();
  }

  private static RepositoryRules defaultRules() {
    return new RepositoryRules(0, 3, null);
  }

  private static Duration duration(String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static String now() {
    return PreviewState.now();
  }
}
