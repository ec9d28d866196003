package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppCredentialsTest {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  static final String PR_JSON =
      "{\"state\": \"open\", \"head\": {\"ref\": \"b\", \"sha\": \"" + Statuses.SHA + "\"}}";

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(NOW);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private GitHubClient client(GitHubCredentials credentials) {
    return new GitHubClient(
        GitHubConfig.withApiUrl(server.url("/").toString()),
        credentials,
        new OkHttpClient(),
        clock);
  }

  static MockResponse token(String token, Instant expiresAt) {
    return new MockResponse.Builder()
        .code(201)
        .body("{\"token\": \"" + token + "\", \"expires_at\": \"" + expiresAt + "\"}")
        .build();
  }

  static JsonNode verifiedClaims(String jwt) throws Exception {
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(TestKeys.PAIR.getPublic());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    ObjectMapper json = new ObjectMapper();
    JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    return json.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  @Test
  void theJwtIsSignedWithTheAppKeyAndCarriesIssIatExp() throws Exception {
    for (String pem : new String[] {TestKeys.pkcs1Pem(), TestKeys.pkcs8Pem()}) {
      AppCredentials credentials = AppCredentials.fromPem("12345", pem, 99L, clock);

      JsonNode claims = verifiedClaims(credentials.jwt());

      assertThat(claims.get("iss").asText()).isEqualTo("12345");
      assertThat(claims.get("iat").asLong()).isEqualTo(NOW.getEpochSecond() - 60);
      assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 9 * 60);
    }
  }

  @Test
  void exchangesOnceForTwoCallsAndAgainFiveMinutesBeforeExpiry() throws Exception {
    AppCredentials credentials = AppCredentials.fromPem("12345", TestKeys.pkcs1Pem(), 99L, clock);
    GitHubClient client = client(credentials);
    server.enqueue(token("ghs_first", NOW.plus(Duration.ofHours(1))));
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());

    client.getPullRequest("acme", "shop", 42);
    clock.advance(Duration.ofMinutes(54));
    client.getPullRequest("acme", "shop", 42);

    RecordedRequest exchange = server.takeRequest();
    assertThat(exchange.getMethod()).isEqualTo("POST");
    assertThat(exchange.getUrl().encodedPath()).isEqualTo("/app/installations/99/access_tokens");
    String jwt = exchange.getHeaders().get("Authorization").substring("Bearer ".length());
    assertThat(verifiedClaims(jwt).get("iss").asText()).isEqualTo("12345");
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer ghs_first");
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer ghs_first");

    // 55 minutes in, the token has 5 minutes left: exchange again.
    clock.advance(Duration.ofMinutes(1));
    server.enqueue(token("ghs_second", NOW.plus(Duration.ofHours(2))));
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());

    client.getPullRequest("acme", "shop", 42);

    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/app/installations/99/access_tokens");
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer ghs_second");
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void looksTheInstallationUpOncePerRepositoryWhenNotConfigured() throws Exception {
    AppCredentials credentials = AppCredentials.fromPem("12345", TestKeys.pkcs8Pem(), null, clock);
    GitHubClient client = client(credentials);
    server.enqueue(new MockResponse.Builder().body("{\"id\": 314, \"app_id\": 12345}").build());
    server.enqueue(token("ghs_first", NOW.plus(Duration.ofHours(1))));
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());

    client.getPullRequest("acme", "shop", 42);
    client.getPullRequest("acme", "shop", 43);

    RecordedRequest lookup = server.takeRequest();
    assertThat(lookup.getUrl().encodedPath()).isEqualTo("/repos/acme/shop/installation");
    verifiedClaims(lookup.getHeaders().get("Authorization").substring("Bearer ".length()));
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/app/installations/314/access_tokens");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void aRejectedTokenIsExchangedAgainOnTheNextCall() throws Exception {
    AppCredentials credentials = AppCredentials.fromPem("12345", TestKeys.pkcs1Pem(), 99L, clock);
    GitHubClient client = client(credentials);
    server.enqueue(token("ghs_revoked", NOW.plus(Duration.ofHours(1))));
    server.enqueue(
        new MockResponse.Builder().code(401).body("{\"message\": \"Bad credentials\"}").build());
    server.enqueue(token("ghs_new", NOW.plus(Duration.ofHours(1))));
    server.enqueue(new MockResponse.Builder().body(PR_JSON).build());

    assertThatThrownBy(() -> client.getPullRequest("acme", "shop", 42))
        .isInstanceOf(GitHubHttpException.class);
    client.getPullRequest("acme", "shop", 42);

    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void anExchangeAnswerWithoutExpiryIsABadResponse() {
    AppCredentials credentials = AppCredentials.fromPem("12345", TestKeys.pkcs1Pem(), 99L, clock);
    server.enqueue(new MockResponse.Builder().code(201).body("{\"token\": \"ghs_x\"}").build());

    assertThatThrownBy(() -> client(credentials).getPullRequest("acme", "shop", 42))
        .isInstanceOf(GitHubBadResponseException.class)
        .hasMessageNotContaining("ghs_x");
  }

  @Test
  void aKeyThatIsNotPemIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> AppCredentials.fromPem("1", "not-a-key-SECRETSTUFF", 1L, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("SECRETSTUFF");
    String broken = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----";
    assertThatThrownBy(() -> AppCredentials.fromPem("1", broken, 1L, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("AAAA");
  }

  @Test
  void credentialsComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("app.pem");
    Files.writeString(key, TestKeys.pkcs1Pem());
    Path token = dir.resolve("token");
    Files.writeString(token, "ghp_from_file\n");

    assertThat(GitHubCredentials.fromEnvironment(Map.of(), clock)).isEmpty();
    assertThat(
            GitHubCredentials.fromEnvironment(
                Map.of(GitHubCredentials.ENV_TOKEN_FILE, token.toString()), clock))
        .get()
        .isInstanceOf(TokenCredentials.class)
        .hasToString("TokenCredentials[token=***]");
    assertThat(
            GitHubCredentials.fromEnvironment(
                Map.of(
                    GitHubCredentials.ENV_APP_ID, "12345",
                    GitHubCredentials.ENV_APP_PRIVATE_KEY_FILE, key.toString(),
                    GitHubCredentials.ENV_APP_INSTALLATION_ID, "99"),
                clock))
        .get()
        .isInstanceOf(AppCredentials.class)
        .hasToString("AppCredentials[appId=12345, installationId=99, key=***]");
    assertThat(GitHubConfig.fromEnvironment(Map.of()).apiUrl()).isEqualTo("https://api.github.com");
    assertThat(
            GitHubConfig.fromEnvironment(Map.of(GitHubConfig.ENV_API_URL, "https://ghe/api/v3"))
                .apiUrl())
        .isEqualTo("https://ghe/api/v3");
  }
}
