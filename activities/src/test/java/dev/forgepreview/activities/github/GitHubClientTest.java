package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.http.SharedHttpClient;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubClientTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anEnterpriseBasePathIsKeptAndNamesAreEncoded() throws Exception {
    GitHubClient client =
        new GitHubClient(
            GitHubConfig.withApiUrl(server.url("/api/v3").toString()),
            new TokenCredentials("ghp_test_token"));
    server.enqueue(
        new MockResponse.Builder()
            .body("{\"state\": \"open\", \"head\": {\"ref\": \"b\", \"sha\": \"abc1234\"}}")
            .build());

    client.getPullRequest("acme", "my.repo", 7);

    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/api/v3/repos/acme/my.repo/pulls/7");
  }

  @Test
  void aNonJsonErrorBodyStillGivesTheStatus() {
    GitHubClient client =
        new GitHubClient(
            GitHubConfig.withApiUrl(server.url("/").toString()),
            new TokenCredentials("ghp_test_token"));
    server.enqueue(new MockResponse.Builder().code(503).body("<html>down</html>").build());

    try {
      client.getPullRequest("acme", "shop", 7);
    } catch (GitHubHttpException e) {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.rateLimited()).isFalse();
      assertThat(e.getMessage()).isEqualTo("GET /repos/acme/shop/pulls/7 answered 503");
      return;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a GitHubHttpException");
  }

  @Test
  void sharesTheProcessWideConnectionPoolAndDispatcher() {
    GitHubClient client =
        new GitHubClient(GitHubConfig.defaults(), new TokenCredentials("ghp_test_token"));

    assertThat(client.http().connectionPool()).isSameAs(SharedHttpClient.root().connectionPool());
    assertThat(client.http().dispatcher()).isSameAs(SharedHttpClient.root().dispatcher());
  }
}
