package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.gateway.config.RepositoriesConfiguration;
import dev.forgepreview.gateway.config.TemporalConfiguration;
import dev.forgepreview.gateway.config.WebhookConfiguration;
import dev.forgepreview.gateway.webhook.SignatureVerifier;
import dev.forgepreview.settings.RepositoriesFile;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as the packaged application.yml binds it (no test environment). */
class ConfigurationTest {
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String GITHUB_EXAMPLE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @TempDir Path dir;

  private static ApplicationContext start(Map<String, Object> properties) {
    return ApplicationContext.builder().deduceEnvironment(false).properties(properties).start();
  }

  @Test
  void defaults() {
    try (ApplicationContext context =
        start(Map.of("forge-preview.webhook.secret", "It's a Secret to Everybody"))) {
      TemporalConfiguration temporal = context.getBean(TemporalConfiguration.class);
      assertThat(temporal.address()).isEqualTo("127.0.0.1:7233");
      assertThat(temporal.namespace()).isEqualTo("default");
      assertThat(temporal.rpcTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(temporal.healthTimeout()).isEqualTo(Duration.ofSeconds(2));
      WebhookConfiguration webhook = context.getBean(WebhookConfiguration.class);
      assertThat(webhook.maxBodySize()).isEqualTo(1_048_576L);
      assertThat(context.getProperty("micronaut.server.max-request-size", Long.class))
          .contains(1_048_576L);
      assertThat(webhook.toString()).doesNotContain("Secret").contains("<redacted>");
      assertThat(context.getBean(SignatureVerifier.class).isValid(BODY, GITHUB_EXAMPLE)).isTrue();
    }
  }

  @Test
  void readsTheSecretFromAFileWithoutItsTrailingNewline() throws IOException {
    Path file = dir.resolve("secret");
    Files.writeString(file, "It's a Secret to Everybody\n");
    try (ApplicationContext context =
        start(Map.of("forge-preview.webhook.secret-file", file.toString()))) {
      assertThat(context.getBean(SignatureVerifier.class).isValid(BODY, GITHUB_EXAMPLE)).isTrue();
    }
  }

  @Test
  void refusesToStartWithoutASecret() {
    assertThatThrownBy(() -> start(Map.of()).close())
        .hasStackTraceContaining("GITHUB_WEBHOOK_SECRET");
  }

  @Test
  void aMistakeInTheRepositoriesFileStopsTheGatewayNamingTheLineAndKey() throws IOException {
    Path file = dir.resolve("repositories.yaml");
    // The gateway's old parser ignored every key but trigger and maxConcurrentPreviews.
    Files.writeString(
        file,
        """
        defaults:
          domain: previews.acme.example
        repositories:
          acme/shop:
            trigger: auto
            shared-server-id: 12
        """);
    assertThatThrownBy(
            () ->
                start(
                        Map.of(
                            "forge-preview.webhook.secret",
                            "s",
                            "forge-preview.repositories.file",
                            file.toString()))
                    .close())
        .hasStackTraceContaining(
            file + ":6: unknown key 'repositories.acme/shop.shared-server-id'");
  }

  @Test
  void theReloadIntervalIsReadAsTheWorkerReadsIt() {
    try (ApplicationContext context =
        start(
            Map.of(
                "forge-preview.webhook.secret", "s",
                "forge-preview.repositories.reload-interval", "PT30S"))) {
      assertThat(context.getBean(RepositoriesConfiguration.class).reloadIntervalOrDefault())
          .isEqualTo(Duration.ofSeconds(30));
    }
    try (ApplicationContext context = start(Map.of("forge-preview.webhook.secret", "s"))) {
      assertThat(context.getBean(RepositoriesConfiguration.class).reloadIntervalOrDefault())
          .isEqualTo(RepositoriesFile.DEFAULT_RELOAD_INTERVAL);
    }
  }
}
