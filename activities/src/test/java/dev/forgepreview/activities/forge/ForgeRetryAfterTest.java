package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.forgepreview.activities.http.RetryAfter;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 429 from Forge with a {@code Retry-After} the simulator never sends: the Forge client reads it
 * through the same parser as the GitHub client, capped the same way.
 */
class ForgeRetryAfterTest {
  private final MockWebServer server = new MockWebServer();
  private ForgeClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
    client = new ForgeClient(ForgeClientConfig.of(server.url("/api/v1/").toString(), "t"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRetryAfterOfADayIsCappedToAnHour() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "86400")
            .body("{\"message\":\"Too Many Attempts.\"}")
            .build());

    ForgeRateLimitedException e =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    assertThat(e.retryAfter()).isEqualTo(RetryAfter.MAX).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aRetryAfterDateIsReadAsTheTimeUntilThen() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "Fri, 31 Dec 1999 23:59:59 GMT")
            .build());

    ForgeRateLimitedException e =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    assertThat(e.retryAfter()).isEqualTo(RetryAfter.MIN);
  }
}
