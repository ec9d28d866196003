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

  void record(String route) {
    counts.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  void recordRateLimited() {
    rateLimited.incrementAndGet();
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
  }
}
