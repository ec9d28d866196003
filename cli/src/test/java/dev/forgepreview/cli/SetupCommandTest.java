package dev.forgepreview.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setup} against MockWebServer standing in for GitHub's REST API, field by field. */
class SetupCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String URL = "https://previews.example.com/webhook/github";
  private static final String SECRET = "webhook-secret-0123456789";
  private static final String TOKEN = "ghp_cliTestToken0123456789";

  private final MockWebServer github = new MockWebServer();
  private final Map<String, String> env = new HashMap<>();
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    github.start();
    Path repositories = dir.resolve("repositories.yaml");
    Files.writeString(
        repositories,
        """
        defaults:
          domain: preview.example.com
          server: {credentialId: 1}
        repositories:
          acme/shop: {}
          acme/blog: {}
        """);
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", repositories.toString());
    env.put("GITHUB_API_URL", github.url("/").toString());
    env.put("GITHUB_TOKEN", TOKEN);
    env.put("GITHUB_WEBHOOK_SECRET", SECRET);
    env.put("FORGE_PREVIEW_WEBHOOK_URL", URL);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  private void answer(int code, String body) {
    github.enqueue(
        new MockResponse.Builder()
            .code(code)
            .setHeader("Content-Type", "application/json")
            .body(body)
            .build());
  }

  private static String hook(long id, String url, String events, boolean active, String secret) {
    return "{\"id\":"
        + id
        + ",\"name\":\"web\",\"active\":"
        + active
        + ",\"events\":"
        + events
        + ",\"config\":{\"url\":\""
        + url
        + "\",\"content_type\":\"json\",\"insecure_ssl\":\"0\""
        + (secret == null ? "" : ",\"secret\":\"" + secret + "\"")
        + "}}";
  }

  private static void assertDesiredHook(RecordedRequest request) throws Exception {
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    JsonNode body = JSON.readTree(request.getBody().utf8());
    assertThat(body.path("name").asText()).isEqualTo("web");
    assertThat(body.path("active").asBoolean()).isTrue();
    assertThat(body.path("events").toString()).isEqualTo("[\"issue_comment\",\"pull_request\"]");
    assertThat(body.path("config").path("url").asText()).isEqualTo(URL);
    assertThat(body.path("config").path("content_type").asText()).isEqualTo("json");
    assertThat(body.path("config").path("secret").asText()).isEqualTo(SECRET);
    assertThat(body.path("config").path("insecure_ssl").asText()).isEqualTo("0");
  }

  @Test
  void createsTheWebhookWhereMissingAndLeavesAMatchingOneAlone() throws Exception {
    // Sorted: acme/blog first (no webhook), then acme/shop (a matching one).
    answer(200, "[" + hook(3, "https://other.example.com/hook", "[\"push\"]", true, null) + "]");
    answer(201, hook(11, URL, "[\"issue_comment\",\"pull_request\"]", true, "********"));
    answer(200, "[" + hook(7, URL, "[\"pull_request\",\"issue_comment\"]", true, "********") + "]");

    Cli.Result result = Cli.run(env, "setup");

    assertThat(result.exitCode()).as(result.err()).isZero();
    RecordedRequest list = github.takeRequest();
    assertThat(list.getMethod()).isEqualTo("GET");
    assertThat(list.getUrl().encodedPath()).isEqualTo("/repos/acme/blog/hooks");
    RecordedRequest create = github.takeRequest();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getUrl().encodedPath()).isEqualTo("/repos/acme/blog/hooks");
    assertDesiredHook(create);
    assertThat(github.takeRequest().getUrl().encodedPath()).isEqualTo("/repos/acme/shop/hooks");
    assertThat(github.getRequestCount()).as("no write to acme/shop").isEqualTo(3);
    assertThat(result.out())
        .containsPattern("acme/blog +created +hook 11")
        .containsPattern("acme/shop +unchanged +hook 7")
        .doesNotContain(SECRET);
  }

  @Test
  void updatesADriftedWebhookWithTheWholeConfiguration() throws Exception {
    answer(200, "[]");
    answer(201, hook(12, URL, "[\"issue_comment\",\"pull_request\"]", true, "********"));
    answer(200, "[" + hook(7, URL, "[\"push\"]", false, null) + "]");
    answer(200, hook(7, URL, "[\"issue_comment\",\"pull_request\"]", true, "********"));

    Cli.Result result = Cli.run(env, "setup", "--output", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    github.takeRequest();
    github.takeRequest();
    github.takeRequest();
    RecordedRequest patch = github.takeRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/hooks/7");
    assertDesiredHook(patch);
    JsonNode report = JSON.readTree(result.out());
    assertThat(report.get(1).path("repository").asText()).isEqualTo("acme/shop");
    assertThat(report.get(1).path("action").asText()).isEqualTo("updated");
    assertThat(report.get(1).path("drift").toString())
        .contains("inactive")
        .contains("events [push]")
        .contains("no secret");
  }

  @Test
  void checkChangesNothingAndExitsOneOnDrift() throws Exception {
    answer(200, "[]");
    answer(200, "[" + hook(7, URL, "[\"pull_request\"]", true, "********") + "]");

    Cli.Result result = Cli.run(env, "setup", "--check");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(github.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(github.takeRequest().getMethod()).isEqualTo("GET");
    assertThat(github.getRequestCount()).isEqualTo(2);
    assertThat(result.out())
        .containsPattern("acme/blog +missing")
        .containsPattern("acme/shop +drifted +hook 7 +events \\[pull_request\\] instead of");
  }

  @Test
  void aRepositoryGitHubRefusesIsReportedAndTheOthersAreStillSetUp() throws Exception {
    answer(404, "{\"message\":\"Not Found\"}");
    answer(200, "[" + hook(7, URL, "[\"issue_comment\",\"pull_request\"]", true, "********") + "]");

    Cli.Result result = Cli.run(env, "setup");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.out())
        .containsPattern("acme/blog +error .*404.*admin rights")
        .containsPattern("acme/shop +unchanged");
  }

  @Test
  void withAGitHubAppItChecksTheInstallationsAndCreatesNoWebhook() throws Exception {
    env.remove("GITHUB_TOKEN");
    env.put("GITHUB_APP_ID", "4242");
    env.put("GITHUB_APP_PRIVATE_KEY", rsaPem());
    answer(404, "{\"message\":\"Not Found\"}");
    answer(200, "{\"id\":99}");

    Cli.Result result = Cli.run(env, "setup");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.PROBLEMS);
    RecordedRequest blog = github.takeRequest();
    assertThat(blog.getUrl().encodedPath()).isEqualTo("/repos/acme/blog/installation");
    String jwt = blog.getHeaders().get("Authorization").substring("Bearer ".length());
    assertThat(jwt.split("\\.")).hasSize(3);
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    assertThat(claims.path("iss").asText()).isEqualTo("4242");
    assertThat(github.takeRequest().getUrl().encodedPath())
        .isEqualTo("/repos/acme/shop/installation");
    assertThat(github.getRequestCount()).isEqualTo(2);
    assertThat(result.out())
        .contains("the App's own webhook is used")
        .containsPattern("acme/blog +not-installed")
        .containsPattern("acme/shop +app-installed .*installation 99");
  }

  @Test
  void withoutTheSecretOrTheUrlItStopsBeforeCallingGitHub() {
    env.remove("GITHUB_WEBHOOK_SECRET");
    Cli.Result noSecret = Cli.run(env, "setup");
    assertThat(noSecret.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(noSecret.err()).contains("GITHUB_WEBHOOK_SECRET");

    env.put("GITHUB_WEBHOOK_SECRET", SECRET);
    env.remove("FORGE_PREVIEW_WEBHOOK_URL");
    Cli.Result noUrl = Cli.run(env, "setup");
    assertThat(noUrl.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(noUrl.err()).contains("FORGE_PREVIEW_WEBHOOK_URL");
    assertThat(github.getRequestCount()).isZero();
  }

  static String rsaPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }
}
