package dev.forgepreview.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process, from /proc/PID/stat (the kernel's clock ticks of 1/100 s). */
public final class ProcStat {
  private ProcStat() {}

  /**
   * {user + system of the process itself, user + system of its children that have ended and been
   * waited for}, in seconds; NaN for a process that cannot be read.
   */
  public static double[] cpuSeconds(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  /** The same from the text of a stat file. */
  static double[] parse(String stat) {
    // The command name (field 2) may hold spaces and parentheses: count after its last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new double[] {
      (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
      (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0
    };
  }
}
