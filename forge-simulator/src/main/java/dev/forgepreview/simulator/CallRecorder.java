package dev.forgepreview.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts API calls per route template, e.g. {@code GET /api/v1/servers/{id}/sites}. */
final class CallRecorder {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong serverErrors = new AtomicLong();
  private final AtomicLong serverErrorsAfterCommit = new AtomicLong();

  void record(String route) {
    counts.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  void recordRateLimited() {
    rateLimited.incrementAndGet();
  }

  /** An injected 5xx; {@code afterCommit} when the request was carried out before it. */
  void recordServerError(boolean afterCommit) {
    (afterCommit ? serverErrorsAfterCommit : serverErrors).incrementAndGet();
  }

  /** Injected 5xx answers to requests that were not carried out. */
  long serverErrors() {
    return serverErrors.get();
  }

  /** Injected 5xx answers to requests that were carried out. */
  long serverErrorsAfterCommit() {
    return serverErrorsAfterCommit.get();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((route, count) -> copy.put(route, count.sum()));
    return copy;
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long rateLimited() {
    return rateLimited.get();
  }

  void clear() {
    counts.clear();
    rateLimited.set(0);
    serverErrors.set(0);
    serverErrorsAfterCommit.set(0);
  }
}
