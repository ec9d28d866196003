package dev.forgepreview.activities.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void readsSecondsAndHttpDates() {
    assertThat(RetryAfter.parse("17", CLOCK)).contains(Duration.ofSeconds(17));
    assertThat(RetryAfter.parse(" 90 ", CLOCK)).contains(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse("Mon, 2 Mar 2026 10:02:00 GMT", CLOCK))
        .contains(Duration.ofMinutes(2));
  }

  @Test
  void capsWhatIsAskedToBetweenASecondAndAnHour() {
    assertThat(RetryAfter.parse("0", CLOCK)).contains(RetryAfter.MIN);
    assertThat(RetryAfter.parse("-5", CLOCK)).contains(RetryAfter.MIN);
    assertThat(RetryAfter.parse("86400", CLOCK)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("Tue, 1 Mar 2033 10:00:00 GMT", CLOCK)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("Mon, 2 Mar 2026 09:00:00 GMT", CLOCK)).contains(RetryAfter.MIN);
    assertThat(RetryAfter.untilReset(Long.toString(NOW.getEpochSecond() + 40), CLOCK))
        .contains(Duration.ofSeconds(40));
    assertThat(RetryAfter.untilReset(Long.toString(NOW.getEpochSecond() + 999_999), CLOCK))
        .contains(RetryAfter.MAX);
  }

  @Test
  void unreadableValuesAreAbsent() {
    assertThat(RetryAfter.parse(null, CLOCK)).isEmpty();
    assertThat(RetryAfter.parse(" ", CLOCK)).isEmpty();
    assertThat(RetryAfter.parse("soon", CLOCK)).isEmpty();
    assertThat(RetryAfter.untilReset("tomorrow", CLOCK)).isEmpty();
  }
}
