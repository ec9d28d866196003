package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code {"headSha": "...", "branch": "..."}}. Every field is optional; unknown fields are ignored
 * so a signal typed by hand is never dropped. {@code deliveryId} makes a redelivered webhook
 * harmless. {@code start} is true when the gateway sent it with signal-with-start (a pull request
 * opened or reopened, {@code /preview}): reaching a run that is being torn down, it starts a fresh
 * preview once the teardown is done. {@code fromComment} is true when {@code requestedBy} typed a
 * comment command: the workflow asks GitHub for that user's permission before acting.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateSignal(
    String headSha,
    String branch,
    String deliveryId,
    String requestedBy,
    Boolean start,
    Boolean fromComment) {

  /** An update that is neither a start nor a comment command. */
  public UpdateSignal(String headSha, String branch, String deliveryId, String requestedBy) {
    this(headSha, branch, deliveryId, requestedBy, null, null);
  }

  /** Whether it came with signal-with-start. */
  public boolean asksToStart() {
    return Boolean.TRUE.equals(start);
  }

  /** Whether a comment command asked for it (the commenter's permission is checked). */
  public boolean viaComment() {
    return Boolean.TRUE.equals(fromComment);
  }
}
