package dev.forgepreview.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.NotificationFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code notifications:} keys: defaults, validation, and the URL kept out of history. */
class NotificationSettingsTest {
  private static final String SLACK = "https://hooks.slack.com/services/T000/B000/secret-1f3a";

  private static RepositorySettings parse(String notifications) {
    return RepositorySettings.parse(
        "defaults: {domain: d.dev}\nrepositories:\n  acme/shop:\n" + notifications,
        "repositories.yaml");
  }

  @Test
  void noUrlMeansNoNotifications() {
    PreviewSettings settings = parse("    ttl: P1D\n").find("acme/shop").orElseThrow();
    assertThat(settings.notifications()).isNull();
    assertThat(settings.notifies(Phase.READY)).isFalse();
  }

  @Test
  void aUrlGetsTheDefaultFormatAndEventsAndStaysOutOfHistory() {
    RepositorySettings all = parse("    notifications: {url: '" + SLACK + "', format: slack}\n");
    PreviewSettings settings = all.find("acme/shop").orElseThrow();
    assertThat(settings.notifications().format()).isEqualTo(NotificationFormat.SLACK);
    assertThat(settings.notifications().events())
        .containsExactly(Phase.READY, Phase.FAILED, Phase.TEARDOWN_FAILED);
    assertThat(settings.notifies(Phase.DESTROYED)).isFalse();

    PreviewSettings forHistory = settings.withEnvironmentKeysOnly();
    assertThat(forHistory.notifications().url()).isNull();
    assertThat(forHistory.notifies(Phase.FAILED)).isTrue();
    assertThat(forHistory.toString()).doesNotContain("secret-1f3a");
    assertThat(all.notificationUrl("Acme/Shop", new Env(Map.of()))).contains(SLACK);
  }

  @Test
  void aSecretUrlComesFromTheVariableOrItsFile(@TempDir Path dir) throws Exception {
    RepositorySettings all =
        parse("    notifications: {url: '${env:SLACK_URL}', events: [FAILED, DESTROYED]}\n");
    assertThat(all.find("acme/shop").orElseThrow().notifies(Phase.DESTROYED)).isTrue();
    assertThat(all.notificationUrl("acme/shop", new Env(Map.of("SLACK_URL", SLACK))))
        .contains(SLACK);

    Path file = dir.resolve("slack-url");
    Files.writeString(file, SLACK + "\n");
    assertThat(all.notificationUrl("acme/shop", new Env(Map.of("SLACK_URL_FILE", file.toString()))))
        .contains(SLACK);

    assertThatThrownBy(() -> all.notificationUrl("acme/shop", new Env(Map.of())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "acme/shop.notifications.url refers to SLACK_URL, which is not set (nor"
                + " SLACK_URL_FILE)");
    assertThat(all.notificationUrl("other/repo", new Env(Map.of()))).isEmpty();
  }

  @Test
  void mistakesAreRefusedAtTheirLine() {
    assertThatThrownBy(() -> parse("    notifications: {url: 'hooks.slack.com/x'}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "repositories.yaml:4: acme/shop.notifications.url must be an http(s) URL or"
                + " \"${env:NAME}\" (a secret URL)");
    assertThatThrownBy(
            () -> parse("    notifications: {url: '" + SLACK + "', events: [UPDATING]}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "acme/shop.notifications.events must list some of "
                + List.of(Phase.READY, Phase.FAILED, Phase.TEARDOWN_FAILED, Phase.DESTROYED));
    assertThatThrownBy(() -> parse("    notifications: {url: '" + SLACK + "', format: xml}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop.notifications.format");
    assertThatThrownBy(() -> parse("    notifications: {url: '" + SLACK + "', channel: x}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown key 'repositories.acme/shop.notifications.channel'");
  }
}
