package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentFileTest {

  @Test
  void leavesPlainValuesBareAndQuotesTheRest() {
    assertThat(EnvironmentFile.quote("https://pr-1.example.com"))
        .isEqualTo("https://pr-1.example.com");
    assertThat(EnvironmentFile.quote("")).isEqualTo("");
    assertThat(EnvironmentFile.quote("two words")).isEqualTo("\"two words\"");
    assertThat(EnvironmentFile.quote("a\"b\\c$d#e")).isEqualTo("\"a\\\"b\\\\c\\$d#e\"");
    assertThat(EnvironmentFile.quote("line1\nline2")).isEqualTo("\"line1\\nline2\"");
  }

  @Test
  void sortsKeysAndResolvesEnvironmentReferencesInsideValues() {
    String file =
        EnvironmentFile.render(
            Map.of("B", "x-${env:HOST}-y", "A", "1"), name -> name.equals("HOST") ? "h" : null);

    assertThat(file).isEqualTo("A=1\nB=x-h-y\n");
  }

  @Test
  void refusesBadKeysWithoutEchoingValues() {
    assertThatThrownBy(() -> EnvironmentFile.render(Map.of("1BAD", "secret-value"), name -> null))
        .isInstanceOf(EnvironmentFile.InvalidEnvironmentException.class)
        .hasMessageContaining("1BAD")
        .hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> EnvironmentFile.render(Map.of("A=B", "x"), name -> null))
        .isInstanceOf(EnvironmentFile.InvalidEnvironmentException.class);
  }
}
