package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What of a deployment log reaches the status, the Web UI and the PR comment: its end. */
class DeploymentLogTailTest {

  @Test
  void aLongLogKeepsItsLastFortyLinesWhereTheErrorIs() {
    String log =
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));

    String tail = DeploymentLogTail.of(log + "\nPHP Fatal error: Class \"Redis\" not found\n");

    assertThat(tail.lines()).hasSize(DeploymentLogTail.MAX_LINES);
    assertThat(tail)
        .startsWith("line 62\n")
        .endsWith("line 100\nPHP Fatal error: Class \"Redis\" not found");
  }

  @Test
  void aShortLogIsKeptWholeWithoutItsSurroundingBlankLines() {
    assertThat(DeploymentLogTail.of("\n  Cloning\r\nRunning composer\r\nDone  \n\n"))
        .isEqualTo("Cloning\nRunning composer\nDone");
  }

  @Test
  void exactlyFortyLinesAreAllKept() {
    String log =
        IntStream.rangeClosed(1, 40).mapToObj(i -> "step " + i).collect(Collectors.joining("\n"));

    assertThat(DeploymentLogTail.of(log)).isEqualTo(log);
  }

  @Test
  void noLogStaysNoLog() {
    assertThat(DeploymentLogTail.of(null)).isNull();
  }

  @Test
  void longLinesAreCutAtTheStartSoTheLastCharactersSurvive() {
    String log = "a".repeat(3_000) + "\n" + "b".repeat(3_000) + "\nerror: out of memory";

    String tail = DeploymentLogTail.of(log);

    assertThat(tail)
        .hasSize(DeploymentLogTail.MAX_CHARS)
        .startsWith("…aaa")
        .contains("b".repeat(3_000))
        .endsWith("\nerror: out of memory");
  }

  @Test
  void aLogOfExactlyTheCharacterLimitIsNotCut() {
    String log = "x".repeat(DeploymentLogTail.MAX_CHARS);

    assertThat(DeploymentLogTail.of(log)).isEqualTo(log);
    assertThat(DeploymentLogTail.of(log + "y")).isEqualTo("…" + "x".repeat(3_998) + "y");
  }
}
