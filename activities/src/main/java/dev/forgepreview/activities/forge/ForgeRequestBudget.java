package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.http.RetryAfter;
import java.time.Clock;
import java.time.Duration;

/**
 * What Forge says is left of the token's request budget, from {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} of its answers. Forge counts every request of the token, whichever
 * worker made it, so this budget is shared by all workers using the token (it is Forge's count, not
 * one kept per process). A request may go while the estimate of free requests is above zero;
 * otherwise it waits for the reset Forge named.
 *
 * <p>The estimate never overrates what Forge has left, so a single worker never draws a 429:
 *
 * <ul>
 *   <li>each answer gives a candidate: its remaining count minus the other requests still in flight
 *       (Forge may count them after it); within one window of Forge's (answers naming the same or
 *       an earlier reset) the estimate is the lowest candidate, minus the requests sent since
 *       (requests and answers overtake each other, so a higher count may be the older news); an
 *       answer naming a later reset says the window has moved on, and its candidate is taken (so
 *       the count also follows a Forge whose clock runs ahead of the worker's);
 *   <li>the count is learnt afresh once the earliest reset named since then has passed (at least
 *       one request has left Forge's window, in a sliding window as in a fixed one): until an
 *       answer brings it, one request goes alone and the others wait for its answer;
 *   <li>an answer without the headers means Forge does not count here: nothing is held back until
 *       an answer carries them again.
 * </ul>
 *
 * Two workers can still race for the last request of a window; Forge's 429 covers that rare case.
 */
final class ForgeRequestBudget {
  /** How long a request waits for the lone request that brings Forge's count. */
  static final Duration PROBE_WAIT = Duration.ofMillis(100);

  /**
   * Take: the request may go, or must wait {@code delay} and ask again; {@code spent} tells a spent
   * budget (wait for Forge's reset) from a wait for the count (a moment).
   */
  record Decision(Duration delay, boolean spent) {
    boolean go() {
      return delay == null;
    }
  }

  private final Clock clock;
  private int inFlight;
  private boolean uncounted;
  private boolean known;
  private int estimate;
  private long resetEpochSecond;

  ForgeRequestBudget(Clock clock) {
    this.clock = clock;
  }

  /** Takes one request from the budget, or says how long to wait before asking again. */
  synchronized Decision take() {
    long now = clock.instant().getEpochSecond();
    if (known && now >= resetEpochSecond) {
      known = false; // a request has left Forge's window since: learn the count afresh
    }
    if (!uncounted) {
      if (!known) {
        if (inFlight > 0) {
          return new Decision(PROBE_WAIT, false);
        }
      } else if (estimate <= 0) {
        return new Decision(RetryAfter.cap(Duration.ofSeconds(resetEpochSecond - now)), true);
      } else {
        estimate--;
      }
    }
    inFlight++;
    return new Decision(null, false);
  }

  /**
   * Gives back a request that went; {@code answered} is false when no answer came (a dropped
   * connection: whether Forge counted it is unknown). The headers are null when absent.
   */
  synchronized void answered(boolean answered, String remainingHeader, String resetHeader) {
    inFlight = Math.max(0, inFlight - 1);
    if (!answered) {
      return;
    }
    int remaining;
    long reset;
    try {
      if (remainingHeader == null || resetHeader == null) {
        throw new NumberFormatException("no count");
      }
      remaining = Integer.parseInt(remainingHeader.trim());
      reset = Long.parseLong(resetHeader.trim());
    } catch (NumberFormatException e) {
      uncounted = true; // no count in this answer: Forge does not count here
      known = false;
      return;
    }
    uncounted = false;
    int candidate = remaining - inFlight;
    if (!known || reset > resetEpochSecond) {
      // The first count, or Forge's window has moved on since (requests have left it): take it.
      known = true;
      estimate = candidate;
      resetEpochSecond = reset;
    } else {
      // The same window (or an older answer, naming an earlier reset): the lowest count is the
      // freshest news, and the earliest reset the first moment a request may leave the window.
      estimate = Math.min(estimate, candidate);
      resetEpochSecond = reset;
    }
  }
}
