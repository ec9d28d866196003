package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code {"reason": "...", "requestedBy": "..."}}, every field optional; the signal may be null.
 * {@code fromComment} is true for {@code /destroy}: the workflow asks GitHub for {@code
 * requestedBy}'s permission before tearing down.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DestroySignal(String reason, String requestedBy, Boolean fromComment) {

  /** A destroy that is not a comment command (a closed pull request, an operator, the TTL). */
  public DestroySignal(String reason, String requestedBy) {
    this(reason, requestedBy, null);
  }

  /** Whether {@code /destroy} asked for it (the commenter's permission is checked). */
  public boolean viaComment() {
    return Boolean.TRUE.equals(fromComment);
  }
}
