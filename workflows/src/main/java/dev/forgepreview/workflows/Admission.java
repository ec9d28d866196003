package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * The messages between a preview and its admission coordinator ({@link AdmissionWorkflow}). Every
 * record is tolerant (unknown fields ignored, fields optional) so an operator can type them.
 */
public final class Admission {
  private Admission() {}

  /** The Redis database pool's name in a coordinator. */
  public static final String REDIS_POOL = "redis";

  /** The compose host's port pool's name in a coordinator ({@code admission:host:{host}}). */
  public static final String PORT_POOL = "port";

  /**
   * A preview asks for a slot. {@code cap}: the repository's {@code maxConcurrentPreviews} (0: no
   * limit); {@code pools}: one integer wanted from each named pool, with the pool's inclusive range
   * (for example {@code redis → 1-15}); {@code breakerFailures} and {@code breakerCoolDown}: the
   * repository's circuit breaker (ISO-8601 duration).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SlotRequest(
      String coordinatorId,
      String previewId,
      String repository,
      int cap,
      Map<String, IntRange> pools,
      int breakerFailures,
      String breakerCoolDown) {}

  /** An inclusive range of integers, {@code first ≤ last}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IntRange(int first, int last) {
    public int size() {
      return Math.max(0, last - first + 1);
    }

    @Override
    public String toString() {
      return first + "-" + last;
    }
  }

  /** The coordinator's answer: the slot is the preview's, with one integer from each pool. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SlotGrant(String coordinatorId, Map<String, Integer> allocated) {}

  /**
   * A queued preview's place: {@code position} of {@code length} waiting, and why it waits. Sent
   * when the preview joins the queue, when the reason changes, and when its position reaches one of
   * {@link AdmissionWorkflow#NOTIFIED_POSITIONS}: never to every queued preview on every grant.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueueNotice(int position, int length, String reason) {}

  /** How a preview's provisioning ended, for the repository's circuit breaker. */
  public enum Outcome {
    /** READY: closes a half-open breaker and resets the count. */
    SUCCEEDED,
    /** Forge, SSH or GitHub failed or timed out: counts towards opening the breaker. */
    INFRASTRUCTURE_FAILURE,
    /** The deployment ran and failed on the pull request's own code: that preview alone. */
    CODE_FAILURE
  }

  /**
   * A preview leaves: out of the queue, or its slot (and pool integers) freed once its teardown
   * ended. {@code outcome} is set when its provisioning failed. Sent as signal {@code release}; the
   * same record with an outcome and no release is signal {@code report}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SlotRelease(String coordinatorId, String previewId, Outcome outcome) {}

  /**
   * {@code {"repository": "acme/shop"}}: the operator's reset of a circuit breaker. No input, or no
   * repository, resets every breaker of the coordinator.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BreakerReset(String repository, String requestedBy) {}
}
