package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.settings.RepositoriesFile.Outcome;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.activities.SettingsActivities.SettingsRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's settings activity answers from the repositories file as it is now: an edit applies
 * to the next preview without a restart, an invalid edit is refused and the settings stay.
 */
class RepositoriesReloadTest {
  private static final String BEFORE =
      """
      defaults: {domain: preview.acme.dev}
      repositories:
        acme/shop: {ttl: P7D}
      """;

  @TempDir Path dir;

  @Test
  void aValidEditReachesTheNextPreviewThroughTheWatcher() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, BEFORE);
    try (RepositoriesFile repositories = RepositoriesFile.open(file).watch(Duration.ofMillis(50))) {
      SettingsActivitiesImpl activities = new SettingsActivitiesImpl(repositories);
      assertThat(activities.settingsFor(new SettingsRequest("acme", "shop")).ttl())
          .isEqualTo("P7D");
      assertThatThrownBy(() -> activities.settingsFor(new SettingsRequest("acme", "blog")))
          .isInstanceOf(ApplicationFailure.class);

      Files.writeString(
          file, BEFORE.replace("P7D", "P2D") + "  acme/blog: {mode: shared, sharedServerId: 4}\n");

      // Bounded wait for the watcher's effect; no fixed sleep.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!repositories.get().find("acme", "blog").isPresent()) {
        assertThat(System.nanoTime()).as("edit applied within 20 s").isLessThan(deadline);
        Thread.onSpinWait();
      }
      assertThat(activities.settingsFor(new SettingsRequest("acme", "shop")).ttl())
          .isEqualTo("P2D");
      assertThat(activities.settingsFor(new SettingsRequest("acme", "blog")).mode())
          .isEqualTo(PreviewSettings.Mode.SHARED);
      assertThat(activities.allRepositorySettings()).hasSize(2);
    }
  }

  @Test
  void anInvalidEditIsRefusedAndTheSettingsBeforeStay() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, BEFORE);
    try (RepositoriesFile repositories = RepositoriesFile.open(file)) {
      SettingsActivitiesImpl activities = new SettingsActivitiesImpl(repositories);

      Files.writeString(file, BEFORE.replace("ttl: P7D", "ttl: P7D, colour: red"));
      assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
      Files.writeString(file, BEFORE.replace("P7D", "seven days"));
      assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
      assertThat(activities.settingsFor(new SettingsRequest("acme", "shop")).ttl())
          .isEqualTo("P7D");

      Files.writeString(file, BEFORE);
      assertThat(repositories.reload()).isEqualTo(Outcome.UNCHANGED);
      Files.writeString(file, BEFORE.replace("P7D", "P1D"));
      assertThat(repositories.reload()).isEqualTo(Outcome.APPLIED);
      assertThat(activities.settingsFor(new SettingsRequest("acme", "shop")).ttl())
          .isEqualTo("P1D");
    }
  }

  @Test
  void theSettingsAnswerCarriesEnvironmentKeysButNotTheirValues() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(
        file,
        BEFORE.replace("{ttl: P7D}", "{environment: {MAIL_PASSWORD: hunter2, KEY: '${env:K}'}}"));
    try (RepositoriesFile repositories = RepositoriesFile.open(file)) {
      PreviewSettings answer =
          new SettingsActivitiesImpl(repositories).settingsFor(new SettingsRequest("acme", "shop"));
      assertThat(answer.environment()).containsOnlyKeys("MAIL_PASSWORD", "KEY");
      assertThat(answer.environment().values()).containsOnly("");
      assertThat(answer.domain()).isEqualTo("preview.acme.dev");
      assertThat(repositories.get().environment("ACME/shop"))
          .hasValueSatisfying(env -> assertThat(env).containsEntry("MAIL_PASSWORD", "hunter2"));
    }
  }
}
