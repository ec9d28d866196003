package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.forgepreview.workflows.Admission.IntRange;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A named pool of integers handed out one per owner, unique among the owners holding one: the Redis
 * databases of one shared server today, the ports of one compose host tomorrow. Immutable and
 * deterministic (the lowest free integer first), so it lives in workflow state and is carried
 * across continue-as-new as it is. {@code taken} maps each owner (a preview's workflow id) to its
 * integer. The range follows the newest request; integers handed out outside it stay taken until
 * released.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IntegerPool(String name, IntRange range, Map<String, Integer> taken) {

  public IntegerPool {
    taken = taken == null ? Map.of() : Map.copyOf(taken);
  }

  public static IntegerPool of(String name, IntRange range) {
    return new IntegerPool(name, range, Map.of());
  }

  /** The integer {@code owner} holds, or the lowest free one, or empty when none is free. */
  public OptionalInt next(String owner) {
    Integer held = taken.get(owner);
    if (held != null) {
      return OptionalInt.of(held);
    }
    for (int i = range.first(); i <= range.last(); i++) {
      if (!taken.containsValue(i)) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** This pool with {@code value} held by {@code owner}. */
  public IntegerPool take(String owner, int value) {
    Map<String, Integer> next = new TreeMap<>(taken);
    next.put(owner, value);
    return new IntegerPool(name, range, next);
  }

  /** This pool without {@code owner}'s integer (harmless when it holds none). */
  public IntegerPool release(String owner) {
    if (!taken.containsKey(owner)) {
      return this;
    }
    Map<String, Integer> next = new TreeMap<>(taken);
    next.remove(owner);
    return new IntegerPool(name, range, next);
  }

  public IntegerPool withRange(IntRange newRange) {
    return newRange == null || newRange.equals(range)
        ? this
        : new IntegerPool(name, newRange, taken);
  }
}
