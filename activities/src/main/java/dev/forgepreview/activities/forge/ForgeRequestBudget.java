package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.http.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What Forge says is left of the token's request budget: {@code X-RateLimit-Remaining} and {@code
 * X-RateLimit-Reset} of the latest answer. Forge counts every request of the token, whichever
 * worker made it, so this budget is shared by all workers using the token (it is Forge's count, not
 * one kept per process); a request is held back, as if Forge had answered 429, while the budget
 * minus the requests this process has in flight is spent, until the reset Forge named. Two workers
 * can still race for the last request of a window; Forge's 429 covers that rare case.
 */
final class ForgeRequestBudget {
  private final Clock clock;
  private int remaining = -1;
  private long resetEpochSecond;
  private int inFlight;

  ForgeRequestBudget(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes one request from the budget; empty when it may be sent, else how long to wait (the caller
   * does not send it and reports it as rate limited).
   */
  synchronized Optional<Duration> take() {
    long now = clock.instant().getEpochSecond();
    if (remaining >= 0 && now >= resetEpochSecond) {
      remaining = -1; // the window Forge named is over: unknown until the next answer
    }
    if (remaining >= 0 && remaining - inFlight <= 0) {
      return Optional.of(RetryAfter.cap(Duration.ofSeconds(resetEpochSecond - now)));
    }
    inFlight++;
    return Optional.empty();
  }

  /** Gives back an in-flight request and records the answer's headers (null when none came). */
  synchronized void answered(String remainingHeader, String resetHeader) {
    inFlight = Math.max(0, inFlight - 1);
    if (remainingHeader == null || resetHeader == null) {
      return;
    }
    try {
      remaining = Integer.parseInt(remainingHeader.trim());
      resetEpochSecond = Long.parseLong(resetHeader.trim());
    } catch (NumberFormatException e) {
      remaining = -1;
    }
  }
}
