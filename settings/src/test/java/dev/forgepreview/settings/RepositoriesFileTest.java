package dev.forgepreview.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.settings.RepositoriesFile.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoriesFileTest {
  private static final String VALID = "repositories:\n  acme/shop: {domain: d.dev}\n";

  @TempDir Path dir;

  @Test
  void anInvalidFileAtStartIsAnError() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, "repositories:\n  acme/shop: {}\n");
    assertThatThrownBy(() -> RepositoriesFile.open(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(file + ":2: acme/shop.domain is required");
    assertThatThrownBy(() -> RepositoriesFile.open(dir.resolve("absent.yaml")))
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void reloadAppliesOnlyChangedValidContent() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, VALID);
    try (RepositoriesFile repositories = RepositoriesFile.open(file)) {
      RepositorySettings first = repositories.get();
      assertThat(repositories.reload()).isEqualTo(Outcome.UNCHANGED);
      assertThat(repositories.get()).isSameAs(first);

      Files.writeString(file, VALID + "  acme/blog: {domain: d.dev, project: blog2}\n");
      assertThat(repositories.reload()).isEqualTo(Outcome.APPLIED);
      assertThat(repositories.get().size()).isEqualTo(2);

      // Refused again and again while the file stays wrong; the settings in force stay.
      Files.writeString(file, "repositories: [");
      assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
      assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
      assertThat(repositories.get().size()).isEqualTo(2);

      // Back to what is in force: nothing to apply.
      Files.writeString(file, VALID + "  acme/blog: {domain: d.dev, project: blog2}\n");
      assertThat(repositories.reload()).isEqualTo(Outcome.UNCHANGED);
    }
  }

  @Test
  void noFileMeansNoRepositoryAndNothingToWatch() {
    try (RepositoriesFile none = RepositoriesFile.none().watch(Duration.ofMillis(10))) {
      assertThat(none.get().size()).isZero();
      assertThat(none.reload()).isEqualTo(Outcome.UNCHANGED);
    }
  }
}
