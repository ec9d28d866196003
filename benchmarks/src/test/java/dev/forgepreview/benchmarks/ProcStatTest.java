package dev.forgepreview.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CPU seconds from a /proc/PID/stat line, whatever the command's name holds. */
class ProcStatTest {
  @Test
  void readsOwnAndChildrenTimesAfterACommandNameWithSpacesAndParentheses() {
    // Fields 14-17: utime 250, stime 50, cutime 1000, cstime 200 (ticks of 1/100 s).
    String stat =
        "4242 (java (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 1000 200 20 0 30 0"
            + " 100 0 0";

    assertThat(ProcStat.parse(stat)).containsExactly(3.0, 12.0);
  }

  @Test
  void aProcessThatIsGoneReadsAsUnknown() {
    assertThat(ProcStat.cpuSeconds(Long.MAX_VALUE)).containsOnly(Double.NaN);
  }
}
