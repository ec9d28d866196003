package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.worker.RepositorySettings.ConfigurationException;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RepositorySettingsTest {

  private static RepositorySettings parse(String yaml) {
    return RepositorySettings.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "repositories.yaml");
  }

  @Test
  void builtInDefaultsThenFileDefaultsThenRepositoryWin() {
    RepositorySettings settings =
        parse(
            """
            defaults:
              domain: preview.example.com
              ttl: P3D
              timeouts: {serverReady: PT90M}
            repositories:
              Acme/Shop:
                trigger: comment
                mode: shared
                sharedServerId: 12
                environment: {MAIL_MAILER: log}
                timeouts: {deployment: PT20M}
            """);

    PreviewSettings shop = settings.find("acme", "shop").orElseThrow();
    assertThat(shop.repository()).isEqualTo("Acme/Shop");
    assertThat(shop.project()).isEqualTo("Shop");
    assertThat(shop.trigger()).isEqualTo(Trigger.COMMENT);
    assertThat(shop.mode()).isEqualTo(Mode.SHARED);
    assertThat(shop.sharedServerId()).isEqualTo(12L);
    assertThat(shop.domain()).isEqualTo("preview.example.com");
    assertThat(shop.ttl()).isEqualTo("P3D");
    assertThat(shop.timeouts().serverReady()).isEqualTo("PT90M");
    assertThat(shop.timeouts().deployment()).isEqualTo("PT20M");
    assertThat(shop.timeouts().deploymentPollInterval()).isEqualTo("PT10S");
    assertThat(shop.siteTemplate()).isEqualTo("pr-{number}-{project}.{domain}");
    assertThat(shop.environment()).containsEntry("MAIL_MAILER", "log");
    assertThat(shop.queueWorker().connection()).isEqualTo("redis");
    assertThat(settings.find("acme", "other")).isEmpty();
  }

  @Test
  void mistakesStopTheWorkerWithTheKeyThatIsWrong() {
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {mode: dedicated}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop")
        .hasMessageContaining("domain is required");
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {domain: d.dev, mode: shared}\n"))
        .hasMessageContaining("sharedServerId");
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {domain: d.dev, ttl: 7 days}\n"))
        .hasMessageContaining("ttl '7 days' is not an ISO-8601 duration");
    assertThatThrownBy(
            () -> parse("repositories:\n  acme/shop: {domain: d.dev, environment: {bad-key: x}}\n"))
        .hasMessageContaining("environment key 'bad-key'");
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {domain: d.dev, colour: red}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> parse("repositories:\n  'not a repo': {domain: d.dev}\n"))
        .hasMessageContaining("is not owner/repo");
    assertThatThrownBy(() -> parse("defaults: {domain: d.dev}\n"))
        .hasMessageContaining("lists no repository");
  }

  @Test
  void repositoriesWhosePreviewsWouldShareNamesAreRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: preview.example.com}
                    repositories:
                      org1/web: {}
                      org2/web: {}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("org1/web and org2/web")
        .hasMessageContaining("set `project`");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: preview.example.com, mode: shared, sharedServerId: 5}
                    repositories:
                      acme/shop: {}
                      acme/blog: {}
                    """))
        .hasMessageContaining("put {project} in databaseTemplate");
    parse(
        """
        defaults: {domain: preview.example.com, mode: shared, sharedServerId: 5,
                   databaseTemplate: "pr_{number}_{project}"}
        repositories:
          acme/shop: {}
          acme/blog: {}
        """);
  }
}
