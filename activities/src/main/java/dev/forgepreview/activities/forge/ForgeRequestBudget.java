package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.http.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What Forge says is left of the token's request budget: {@code X-RateLimit-Remaining} and {@code
 * X-RateLimit-Reset} of the freshest answer. Forge counts every request of the token, whichever
 * worker made it, so this budget is shared by all workers using the token (it is Forge's count, not
 * one kept per process). A request may go while Forge's count, minus the requests this process sent
 * after the counted one and has not heard back from, leaves room; otherwise it waits for the reset
 * Forge named.
 *
 * <p>Three rules keep a single worker from ever drawing a 429:
 *
 * <ul>
 *   <li>the count is the one of the request sent last among those answered (an answer overtaken by
 *       a later request's answer is older news and does not raise the count);
 *   <li>while no count is known (before the first answer, and once the window Forge named is over)
 *       one request goes alone and brings the count; the others wait for its answer;
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
   * Take: the request may go with {@code ticket}, or must wait {@code delay} and ask again; {@code
   * spent} tells a spent budget (wait for Forge's reset) from a wait for the count (a moment).
   */
  record Decision(long ticket, Duration delay, boolean spent) {
    boolean go() {
      return delay == null;
    }
  }

  private final Clock clock;
  private final NavigableSet<Long> inFlight = new TreeSet<>();
  private boolean uncounted;
  private int remaining = -1;
  private long resetEpochSecond;
  private long lastTicket;
  private long countedTicket;

  ForgeRequestBudget(Clock clock) {
    this.clock = clock;
  }

  /** Takes one request from the budget, or says how long to wait before asking again. */
  synchronized Decision take() {
    long now = clock.instant().getEpochSecond();
    if (remaining >= 0 && now >= resetEpochSecond) {
      remaining = -1; // the window Forge named is over: unknown until the next answer
    }
    if (!uncounted) {
      if (remaining < 0) {
        if (!inFlight.isEmpty()) {
          return new Decision(0, PROBE_WAIT, false);
        }
      } else if (remaining - inFlight.tailSet(countedTicket, false).size() <= 0) {
        return new Decision(0, RetryAfter.cap(Duration.ofSeconds(resetEpochSecond - now)), true);
      }
    }
    long ticket = ++lastTicket;
    inFlight.add(ticket);
    return new Decision(ticket, null, false);
  }

  /**
   * Gives back the request of {@code ticket}; {@code answered} is false when no answer came (a
   * dropped connection: whether Forge counted it is unknown). The headers are null when absent.
   */
  synchronized void answered(
      long ticket, boolean answered, String remainingHeader, String resetHeader) {
    inFlight.remove(ticket);
    if (!answered) {
      return;
    }
    if (remainingHeader == null || resetHeader == null) {
      uncounted = true;
      remaining = -1;
      return;
    }
    if (ticket < countedTicket) {
      return; // a later request's answer already counted
    }
    try {
      int parsedRemaining = Integer.parseInt(remainingHeader.trim());
      long parsedReset = Long.parseLong(resetHeader.trim());
      remaining = parsedRemaining;
      resetEpochSecond = parsedReset;
      countedTicket = ticket;
      uncounted = false;
    } catch (NumberFormatException e) {
      uncounted = true;
      remaining = -1;
    }
  }
}
