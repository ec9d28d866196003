package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void sixtyFirstRequestInAMinuteIsRateLimited() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long start = forge.manualClock().instant().getEpochSecond();
    for (int i = 0; i < 60; i++) {
      ForgeApi.Answer answer = api.get("servers");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("X-RateLimit-Limit")).isEqualTo("60");
      assertThat(answer.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(59 - i));
    }

    ForgeApi.Answer limited = api.get("servers");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().toString()).isEqualTo("{\"message\":\"Too Many Attempts.\"}");
    assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(limited.header("X-RateLimit-Reset")).isEqualTo(Long.toString(start + 60));
    assertThat(limited.header("Retry-After")).isEqualTo("60");
    assertThat(forge.simulator().rateLimitedCalls()).isEqualTo(1);
  }

  @Test
  void windowSlidesWithTheClock() {
    ForgeApi api = new ForgeApi(forge.simulator());
    for (int i = 0; i < 30; i++) {
      api.get("servers");
    }
    forge.manualClock().advance(Duration.ofSeconds(30));
    for (int i = 0; i < 30; i++) {
      api.get("servers");
    }
    assertThat(api.get("servers").status()).isEqualTo(429);

    forge.manualClock().advance(Duration.ofSeconds(30));

    ForgeApi.Answer again = api.get("servers");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("X-RateLimit-Remaining")).isEqualTo("29");
  }

  @Test
  void retryAfterCanBeTurnedOff() {
    forge.simulator().settings().rateLimitPerMinute(1).sendRetryAfter(false);
    ForgeApi api = new ForgeApi(forge.simulator());
    api.get("servers");

    ForgeApi.Answer limited = api.get("servers");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNull();
    assertThat(limited.header("X-RateLimit-Reset")).isNotNull();
  }

  @Test
  void zeroTurnsTheLimitOff() {
    forge.simulator().settings().rateLimitPerMinute(0);
    ForgeApi api = new ForgeApi(forge.simulator());

    for (int i = 0; i < 100; i++) {
      assertThat(api.get("servers").status()).isEqualTo(200);
    }
  }

  @Test
  void errorAnswersCarryRateLimitHeaders() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).get("servers/999999");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.header("X-RateLimit-Limit")).isEqualTo("60");
    assertThat(answer.header("X-RateLimit-Reset")).isNotNull();
  }
}
