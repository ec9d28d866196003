package dev.forgepreview.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What decides a benchmark's exit status: a crash, or the benchmark's own calls failing (a delivery
 * answered with anything but {@code started}, a start that threw, a preview that ended FAILED).
 * Figures never do: a slow run, a low ratio or a budget that ran out is reported, not failed
 * (benchmarks are not tests).
 */
final class Outcome {
  static final int OK = 0;
  static final int CRASHED = 1;
  static final int OWN_CALLS_FAILED = 2;

  private final List<String> failures = new ArrayList<>();

  /** Records that {@code count} of the benchmark's own calls of one kind failed. */
  synchronized void ownCallsFailed(String what, long count, String example) {
    if (count <= 0) {
      return;
    }
    failures.add(
        String.format(
            Locale.ROOT,
            "%s: %d failed%s",
            what,
            count,
            example == null ? "" : " (first: " + example + ")"));
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /** The process's exit status: a crash first, then failed own calls, else 0. */
  synchronized int exitStatus(boolean crashed) {
    if (crashed) {
      return CRASHED;
    }
    return failures.isEmpty() ? OK : OWN_CALLS_FAILED;
  }
}
