package dev.forgepreview.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.simulator.ForgeSimulator;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} with the Forge simulator, MockWebServer for GitHub and a Temporal address nobody
 * listens on: every check reports, one failure does not hide the others.
 */
class DoctorCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String URL = "https://previews.example.com/webhook/github";

  private final MockWebServer github = new MockWebServer();
  private ForgeSimulator forge;
  private final Map<String, String> env = new HashMap<>();
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    github.start();
    forge = ForgeSimulator.builder().token("doctor-token").build().start();
    Path repositories = dir.resolve("repositories.yaml");
    Files.writeString(
        repositories,
        """
        repositories:
          acme/shop:
            domain: preview.example.com
            server: {credentialId: 1}
        """);
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    env.put("TEMPORAL_ADDRESS", "127.0.0.1:" + closed);
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositories.toString());
    env.put("FORGE_API_URL", forge.baseUrl());
    env.put("FORGE_API_TOKEN", forge.token());
    env.put("GITHUB_API_URL", github.url("/").toString());
    env.put("GITHUB_TOKEN", "ghp_doctorToken0123456789");
    env.put("FORGE_PREVIEW_WEBHOOK_URL", URL);
  }

  @AfterEach
  void stop() {
    github.close();
    forge.close();
  }

  private void answer(String body, String... headers) {
    MockResponse.Builder response =
        new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      response.setHeader(headers[i], headers[i + 1]);
    }
    github.enqueue(response.body(body).build());
  }

  private void scriptGitHub() {
    answer("{\"login\":\"preview-bot\"}", "X-OAuth-Scopes", "repo, workflow");
    answer(
        "[{\"id\":7,\"name\":\"web\",\"active\":true,\"events\":[\"issue_comment\",\"pull_request\"],"
            + "\"config\":{\"url\":\""
            + URL
            + "\",\"content_type\":\"json\",\"insecure_ssl\":\"0\",\"secret\":\"********\"}}]");
    answer(
        "[{\"id\":3,\"guid\":\"g3\",\"delivered_at\":\"2026-11-30T08:00:03Z\",\"status\":\"Invalid"
            + " HTTP Response: 502\",\"status_code\":502,\"event\":\"pull_request\",\"action\":\"opened\"},"
            + "{\"id\":2,\"guid\":\"g2\",\"delivered_at\":\"2026-11-30T07:59:00Z\",\"status\":\"OK\","
            + "\"status_code\":202,\"event\":\"issue_comment\",\"action\":\"created\"},"
            + "{\"id\":1,\"guid\":\"g1\",\"delivered_at\":\"2026-11-30T07:58:00Z\",\"status\":\"OK\","
            + "\"status_code\":200,\"event\":\"ping\"}]");
  }

  @Test
  void reportsEveryCheckAndFailsOnUnreachableTemporal() throws Exception {
    scriptGitHub();

    Cli.Result result = Cli.run(env, "doctor");

    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(result.out())
        .containsPattern("OK +repositories file +acme/shop")
        .containsPattern("FAIL +temporal +127\\.0\\.0\\.1:\\d+ unreachable: UNAVAILABLE")
        .containsPattern("OK +forge +token accepted")
        .containsPattern("OK +github token +user preview-bot, scopes \\[repo, workflow\\]")
        .containsPattern(
            "WARN +deliveries acme/shop +3 recent, 1 failed; newest failure"
                + " 2026-11-30T08:00:03Z pull_request.opened answered 502")
        .containsPattern("WARN +ssh +no SSH key");
    RecordedRequest user = github.takeRequest();
    assertThat(user.getUrl().encodedPath()).isEqualTo("/user");
    assertThat(github.takeRequest().getUrl().encodedPath()).isEqualTo("/repos/acme/shop/hooks");
    RecordedRequest deliveries = github.takeRequest();
    assertThat(deliveries.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/hooks/7/deliveries");
    assertThat(deliveries.getUrl().queryParameter("per_page")).isEqualTo("25");
  }

  @Test
  void aRejectedForgeTokenAndATokenWithoutRepoScopeFail() throws Exception {
    env.put("FORGE_API_TOKEN", "not-the-token");
    answer("{\"login\":\"preview-bot\"}", "X-OAuth-Scopes", "read:org");
    answer("[]");

    Cli.Result result = Cli.run(env, "doctor", "--output", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.PROBLEMS);
    JsonNode checks = JSON.readTree(result.out());
    Map<String, JsonNode> byName = new HashMap<>();
    checks.forEach(c -> byName.put(c.path("name").asText(), c));
    assertThat(byName.get("forge").path("state").asText()).isEqualTo("FAIL");
    assertThat(byName.get("forge").path("detail").asText()).contains("not accepted");
    assertThat(byName.get("github token").path("state").asText()).isEqualTo("FAIL");
    assertThat(byName.get("github token").path("detail").asText()).contains("lacks the repo scope");
    assertThat(byName.get("webhook acme/shop").path("detail").asText())
        .contains("no webhook to " + URL)
        .contains("forge-preview setup");
    assertThat(result.out()).doesNotContain("not-the-token");
  }

  @Test
  void anSshKeyWithoutPinnedHostKeysFails() throws Exception {
    scriptGitHub();
    Path key = dir.resolve("id_ed25519");
    Files.writeString(key, "not used: the pin is checked first\n");
    env.put("SSH_PRIVATE_KEY_FILE", key.toString());

    Cli.Result result = Cli.run(env, "doctor");

    assertThat(result.out()).containsPattern("FAIL +ssh +pin the servers' host keys");
  }

  @Test
  void notificationUrlsResolveWithTheirHostShownAndAMissingSecretFails() throws Exception {
    Files.writeString(
        dir.resolve("repositories.yaml"),
        """
        repositories:
          acme/shop:
            domain: preview.example.com
            server: {credentialId: 1}
            notifications: {url: "${env:SHOP_SLACK_URL}", format: slack}
        """);
    env.put("SHOP_SLACK_URL", "https://hooks.slack.com/services/T0/B0/secret-path-1f3a");
    scriptGitHub();

    Cli.Result resolved = Cli.run(env, "doctor");

    assertThat(resolved.out())
        .containsPattern(
            "OK +notifications acme/shop +slack to hooks.slack.com on \\[READY, FAILED,"
                + " TEARDOWN_FAILED\\]")
        .doesNotContain("secret-path");

    env.remove("SHOP_SLACK_URL");
    scriptGitHub();
    Cli.Result missing = Cli.run(env, "doctor");

    assertThat(missing.out())
        .containsPattern(
            "FAIL +notifications acme/shop +acme/shop.notifications.url refers to SHOP_SLACK_URL,"
                + " which is not set");
  }
}
