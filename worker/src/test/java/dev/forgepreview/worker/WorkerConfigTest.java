package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.settings.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
  @TempDir Path dir;

  private Map<String, String> minimal() throws IOException {
    Path repositories = dir.resolve("repositories.yaml");
    Files.writeString(repositories, "repositories:\n  acme/shop: {domain: preview.acme.dev}\n");
    Map<String, String> env = new HashMap<>();
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositories.toString());
    env.put("PREVIEW_SECRET_KEY", "a-secret-key-of-enough-length");
    return env;
  }

  @Test
  void secretsComeFromFilesAndNeverShowInToString() throws IOException {
    Map<String, String> env = minimal();
    Path token = dir.resolve("forge-token");
    Files.writeString(token, "forge-token-from-file\n");
    env.put("FORGE_API_TOKEN_FILE", token.toString());
    env.put("FORGE_API_TOKEN", "ignored-because-the-file-wins");
    env.put("CLEANUP_INTERVAL", "PT30M");

    WorkerConfig config = WorkerConfig.fromEnvironment(new Env(env));

    assertThat(config.forgeApiToken()).isEqualTo("forge-token-from-file");
    assertThat(config.forgeApiUrl()).isEqualTo("https://forge.laravel.com/api/v1/");
    assertThat(config.cleanupInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.forgeRequestsPerMinute()).isEqualTo(60);
    assertThat(config.toString())
        .doesNotContain("forge-token-from-file")
        .doesNotContain("a-secret-key-of-enough-length");
  }

  @Test
  void missingOrBadSettingsNameTheVariableNotItsValue() throws IOException {
    Map<String, String> env = minimal();
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(new Env(env)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("FORGE_API_TOKEN");

    env.put("FORGE_API_TOKEN", "t");
    env.put("PREVIEW_SECRET_KEY", "short");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(new Env(env)))
        .hasMessageContaining("PREVIEW_SECRET_KEY needs at least 16 characters")
        .hasMessageNotContaining("short");

    env.put("PREVIEW_SECRET_KEY", "a-secret-key-of-enough-length");
    env.put("CLEANUP_INTERVAL", "hourly");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(new Env(env)))
        .hasMessageContaining("CLEANUP_INTERVAL is not an ISO-8601 duration");
  }

  @Test
  void previewEnvironmentFilesCannotReadTheWorkersOwnSecrets() {
    assertThat(PreviewWorker.previewVisible("SHOP_APP_KEY")).isTrue();
    assertThat(PreviewWorker.previewVisible("FORGE_API_TOKEN")).isFalse();
    assertThat(PreviewWorker.previewVisible("FORGE_API_TOKEN_FILE")).isFalse();
    assertThat(PreviewWorker.previewVisible("PREVIEW_SECRET_KEY")).isFalse();
    assertThat(PreviewWorker.previewVisible("GITHUB_APP_PRIVATE_KEY")).isFalse();
    assertThat(PreviewWorker.previewVisible("MASTER_DB_PASSWORD")).isFalse();
    assertThat(PreviewWorker.previewVisible("SSH_PRIVATE_KEY")).isFalse();
  }
}
