package dev.forgepreview.activities.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How long a server asks us to wait, for the Forge and the GitHub client alike: {@code Retry-After}
 * as delta-seconds or an HTTP date (RFC 9110 §10.2.3), and the unix-time reset of {@code
 * X-RateLimit-Reset}. Every delay is capped to {@link #MIN}..{@link #MAX}: a retry sooner than a
 * second only spends the budget again, and a header asking for a day (or a date years ahead) must
 * not park a preview's activity that long.
 */
public final class RetryAfter {
  public static final Duration MIN = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  /** The delay a {@code Retry-After} value asks for, capped; empty when absent or unreadable. */
  public static Optional<Duration> parse(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    try {
      return Optional.of(cap(Duration.ofSeconds(Long.parseLong(value))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Optional.of(cap(Duration.between(clock.instant(), at.toInstant())));
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  /** The delay until an {@code X-RateLimit-Reset} unix time, capped; empty when unreadable. */
  public static Optional<Duration> untilReset(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          cap(
              Duration.ofSeconds(
                  Long.parseLong(header.trim()) - clock.instant().getEpochSecond())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code delay} within {@link #MIN}..{@link #MAX}. */
  public static Duration cap(Duration delay) {
    if (delay.compareTo(MIN) < 0) {
      return MIN;
    }
    return delay.compareTo(MAX) > 0 ? MAX : delay;
  }
}
