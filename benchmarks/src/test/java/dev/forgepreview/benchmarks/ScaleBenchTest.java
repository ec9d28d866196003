package dev.forgepreview.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScaleBenchTest {
  @Test
  void budgetsGiveEachLevelItsMinutesAndDefaultTo2_8_45() {
    assertThat(ScaleBench.fullBudgets("3, 10,40"))
        .containsExactly(Duration.ofMinutes(3), Duration.ofMinutes(10), Duration.ofMinutes(40));
    assertThat(ScaleBench.fullBudgets(null))
        .containsExactly(Duration.ofMinutes(2), Duration.ofMinutes(8), Duration.ofMinutes(45));
    assertThatThrownBy(() -> ScaleBench.fullBudgets("2,8"))
        .hasMessageContaining("FORGE_PREVIEW_SCALE_BUDGETS");
  }

  @Test
  void aLevelGivenZeroMinutesIsNotRunNorAnyAfterIt() {
    assertThat(ScaleBench.levels(ScaleBench.FULL_LEVELS, ScaleBench.fullBudgets("3,10,0"), 3))
        .containsExactly(100, 1000);
    assertThat(ScaleBench.levels(ScaleBench.FULL_LEVELS, ScaleBench.fullBudgets("3,0,40"), 3))
        .containsExactly(100);
  }

  @Test
  void thePostgresRunTakesTheLevelsUpTo1000WithTheFirstTwoBudgets() {
    assertThat(ScaleBench.levels(ScaleBench.FULL_LEVELS, ScaleBench.fullBudgets("3,10,40"), 2))
        .containsExactly(100, 1000);
  }
}
