package dev.forgepreview.gateway.webhook;

import io.micronaut.core.annotation.Nullable;

/**
 * What a start did: it started a new run, or it reached a run that was already there, which is
 * either live (the start is an update to it) or ending (it starts a fresh preview once its teardown
 * is done). {@code phase} is that run's {@code PreviewPhase}, when known.
 */
public record StartOutcome(Kind kind, @Nullable String phase) {

  public enum Kind {
    STARTED,
    REACHED_LIVE_RUN,
    REACHED_ENDING_RUN
  }

  public static StartOutcome started() {
    return new StartOutcome(Kind.STARTED, null);
  }
}
