package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.forgepreview.workflows.Admission.BreakerReset;
import dev.forgepreview.workflows.Admission.IntRange;
import dev.forgepreview.workflows.Admission.SlotRelease;
import dev.forgepreview.workflows.Admission.SlotRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;

/**
 * The admission coordinator: one long-lived workflow that owns the preview slots of a repository
 * ({@code admission:{owner}:{repo}}, dedicated servers) or of a shared Forge server ({@code
 * admission:forge-server:{serverId}}, every repository on it), started on demand with
 * signal-with-start by the first preview that asks ({@link PreviewIds#admissionId}).
 *
 * <p>It grants slots first come first served within a repository and in turns across the
 * repositories of one server, never more than a repository's {@code maxConcurrentPreviews} at once;
 * hands out unique integers from named pools (a shared server's Redis databases); holds a circuit
 * breaker per repository; and now and then asks Temporal whether its holders still run, so a
 * terminated preview does not keep its slot. It continues-as-new with its whole state.
 */
@WorkflowInterface
public interface AdmissionWorkflow {
  /** Positions at which a queued preview is told its place again (and everything below 1). */
  List<Integer> NOTIFIED_POSITIONS = List.of(1, 2, 3, 5, 10, 20, 50, 100);

  @WorkflowMethod(name = PreviewIds.ADMISSION_WORKFLOW_TYPE)
  void run(AdmissionInput input);

  /** A preview asks for a slot; answered with signal {@code admitted} on the preview. */
  @SignalMethod(name = PreviewIds.SIGNAL_REQUEST)
  void request(SlotRequest request);

  /** A preview leaves the queue, or frees its slot once its teardown ended. */
  @SignalMethod(name = PreviewIds.SIGNAL_RELEASE)
  void release(SlotRelease release);

  /** A preview reports how its provisioning ended (for the circuit breaker). */
  @SignalMethod(name = PreviewIds.SIGNAL_REPORT)
  void report(SlotRelease outcome);

  /** The operator closes a repository's circuit breaker; the argument may be null. */
  @SignalMethod(name = PreviewIds.SIGNAL_RESET_BREAKER)
  void resetBreaker(BreakerReset reset);

  /** Holders, the queue in grant order, breakers and pools. */
  @QueryMethod(name = PreviewIds.QUERY_ADMISSION)
  AdmissionState admission();

  /**
   * The input. {@code carried}: the state a previous run handed over (null on the first start);
   * {@code reconcileInterval}: how often holders are checked against Temporal (default {@code
   * PT5M}); {@code continueAsNewAfterEvents}: history length that triggers continue-as-new (default
   * 2000, or when Temporal suggests it).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record AdmissionInput(
      AdmissionState carried, String reconcileInterval, Integer continueAsNewAfterEvents) {
    public static AdmissionInput defaults() {
      return new AdmissionInput(null, null, null);
    }
  }

  /** What a coordinator knows; carried across continue-as-new and answered by the query. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record AdmissionState(
      List<Holder> holders,
      List<Waiter> queue,
      Map<String, RepositoryRules> repositories,
      Map<String, Breaker> breakers,
      Map<String, IntegerPool> pools,
      String lastTurn,
      long granted,
      long released) {}

  /** A preview holding a slot since {@code since}; {@code probe}: the half-open breaker's probe. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Holder(
      String previewId,
      String repository,
      Map<String, Integer> allocated,
      String since,
      boolean probe) {}

  /**
   * A queued preview. {@code position} and {@code reason} are what it was last told ({@code
   * notified*}) and where it stands now.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Waiter(
      String previewId,
      String repository,
      Map<String, IntRange> pools,
      String since,
      int position,
      String reason,
      int notifiedPosition,
      String notifiedReason) {}

  /** A repository's rules, as its newest request stated them. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RepositoryRules(int cap, int breakerFailures, String breakerCoolDown) {}

  /** A repository's circuit breaker. {@code openedAtMillis}: when it last opened. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Breaker(BreakerState state, int consecutiveFailures, long openedAtMillis) {
    static Breaker closed() {
      return new Breaker(BreakerState.CLOSED, 0, 0);
    }
  }

  enum BreakerState {
    CLOSED,
    OPEN,
    HALF_OPEN
  }
}
