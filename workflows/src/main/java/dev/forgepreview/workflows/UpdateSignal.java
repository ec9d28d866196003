package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code {"headSha": "...", "branch": "..."}}. Every field is optional; unknown fields are ignored
 * so a signal typed by hand is never dropped. {@code deliveryId} makes a redelivered webhook
 * harmless. {@code start} is true when the gateway sent it with signal-with-start (a pull request
 * opened or reopened, {@code /preview}): reaching a run that is being torn down, it starts a fresh
 * preview once the teardown is done. {@code fromComment} is true when {@code requestedBy} typed a
 * comment command: the workflow asks GitHub for that user's permission before acting. {@code force}
 * (an operator's {@code forge-preview redeploy}, or {@code {"force": true}} typed by hand) deploys
 * even when the commit is the one already deployed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateSignal(
    String headSha,
    String branch,
    String deliveryId,
    String requestedBy,
    Boolean start,
    Boolean fromComment,
    Boolean force) {

  /** An update that is neither a start nor a comment command. */
  public UpdateSignal(String headSha, String branch, String deliveryId, String requestedBy) {
    this(headSha, branch, deliveryId, requestedBy, null, null, null);
  }

  /** An update that is not forced. */
  public UpdateSignal(
      String headSha,
      String branch,
      String deliveryId,
      String requestedBy,
      Boolean start,
      Boolean fromComment) {
    this(headSha, branch, deliveryId, requestedBy, start, fromComment, null);
  }

  /**
   * An operator's redeploy: the newest commit (or {@code headSha}), deployed even if it is live.
   */
  public static UpdateSignal forced(String headSha, String deliveryId, String requestedBy) {
    return new UpdateSignal(headSha, null, deliveryId, requestedBy, null, null, true);
  }

  /** Whether it came with signal-with-start. */
  public boolean asksToStart() {
    return Boolean.TRUE.equals(start);
  }

  /** Whether it deploys even a commit that is already deployed. */
  public boolean forces() {
    return Boolean.TRUE.equals(force);
  }

  /** Whether a comment command asked for it (the commenter's permission is checked). */
  public boolean viaComment() {
    return Boolean.TRUE.equals(fromComment);
  }
}
