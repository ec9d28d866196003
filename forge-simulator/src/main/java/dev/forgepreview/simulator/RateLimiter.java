package dev.forgepreview.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sliding 60-second window per token, on the simulator clock. Only accepted requests use up the
 * budget; a 429 does not.
 */
final class RateLimiter {

  static final Duration WINDOW = Duration.ofMinutes(1);

  record Decision(boolean allowed, int limit, int remaining, Instant resetAt, long retryAfter) {

    Map<String, String> headers(boolean withRetryAfter) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("X-RateLimit-Limit", Integer.toString(limit));
      headers.put("X-RateLimit-Remaining", Integer.toString(remaining));
      headers.put("X-RateLimit-Reset", Long.toString(ceilSeconds(resetAt)));
      if (!allowed && withRetryAfter) {
        headers.put("Retry-After", Long.toString(retryAfter));
      }
      return headers;
    }

    private static long ceilSeconds(Instant instant) {
      return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }
  }

  private final Map<String, Deque<Instant>> hits = new HashMap<>();

  synchronized Decision acquire(String key, Instant now, int limit) {
    Deque<Instant> window = slide(key, now);
    if (window.size() >= limit) {
      return rejection(window, now, limit);
    }
    window.addLast(now);
    return new Decision(true, limit, limit - window.size(), window.peekFirst().plus(WINDOW), 0);
  }

  /** A 429 regardless of the budget (fault injection); the budget stays as it is. */
  synchronized Decision reject(String key, Instant now, int limit) {
    return rejection(slide(key, now), now, limit);
  }

  synchronized void clear() {
    hits.clear();
  }

  private Deque<Instant> slide(String key, Instant now) {
    Deque<Instant> window = hits.computeIfAbsent(key, k -> new ArrayDeque<>());
    Instant cutoff = now.minus(WINDOW);
    while (!window.isEmpty() && !window.peekFirst().isAfter(cutoff)) {
      window.removeFirst();
    }
    return window;
  }

  private static Decision rejection(Deque<Instant> window, Instant now, int limit) {
    Instant resetAt = window.isEmpty() ? now.plus(WINDOW) : window.peekFirst().plus(WINDOW);
    long millis = Duration.between(now, resetAt).toMillis();
    long retryAfter = Math.max(1, (millis + 999) / 1000);
    return new Decision(false, limit, 0, resetAt, retryAfter);
  }
}
