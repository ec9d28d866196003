package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.gateway.config.RepositoryAllowList;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import io.micronaut.context.exceptions.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryAllowListTest {
  @TempDir Path dir;

  private RepositoryAllowList load(String yaml) throws IOException {
    Path file = dir.resolve("repositories.yml");
    Files.writeString(file, yaml);
    return RepositoryAllowList.load(file);
  }

  @Test
  void readsTriggersCaseInsensitivelyAndIgnoresOtherKeys() throws IOException {
    RepositoryAllowList list =
        load(
            """
            defaults: {ttl: P3D}
            repositories:
              Acme/Shop: {trigger: comment, mode: shared, shared-server-id: 1}
              acme/blog: {mode: dedicated}
              acme/docs: {trigger: AUTO}
            """);
    assertThat(list.trigger("acme", "shop")).contains(Trigger.COMMENT);
    assertThat(list.trigger("ACME", "SHOP")).contains(Trigger.COMMENT);
    assertThat(list.trigger("acme", "blog")).contains(Trigger.AUTO);
    assertThat(list.trigger("acme", "docs")).contains(Trigger.AUTO);
    assertThat(list.trigger("acme", "other")).isEmpty();
  }

  @Test
  void theDefaultsBlockAppliesLikeInTheWorker() throws IOException {
    RepositoryAllowList list =
        load(
            """
            defaults: {trigger: comment, maxConcurrentPreviews: 3}
            repositories:
              acme/shop: {}
              acme/blog: {trigger: auto, maxConcurrentPreviews: 0}
            """);
    assertThat(list.trigger("acme", "shop")).contains(Trigger.COMMENT);
    assertThat(list.maxConcurrentPreviews("acme", "shop")).isEqualTo(3);
    assertThat(list.trigger("acme", "blog")).contains(Trigger.AUTO);
    assertThat(list.maxConcurrentPreviews("acme", "blog")).isZero();
    assertThatThrownBy(() -> load("repositories: {acme/shop: {maxConcurrentPreviews: many}}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("maxConcurrentPreviews");
  }

  @Test
  void refusesAnUnknownTrigger() {
    assertThatThrownBy(() -> load("repositories: {acme/shop: {trigger: always}}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("auto or comment");
  }

  @Test
  void refusesANameThatIsNotOwnerSlashRepo() {
    assertThatThrownBy(() -> load("repositories: {shop: {trigger: auto}}"))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void refusesTheSameRepositoryTwiceInDifferentCase() {
    assertThatThrownBy(() -> load("repositories: {acme/shop: {}, ACME/shop: {}}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void anEmptyFileAllowsNothing() throws IOException {
    assertThat(load("").size()).isZero();
  }
}
