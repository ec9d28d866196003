package dev.forgepreview.activities.health;

import java.time.Duration;
import java.util.Objects;

/** Timeouts of the one GET a connectivity check makes; short, since the workflow retries. */
public record HealthConfig(Duration connectTimeout, Duration readTimeout, Duration callTimeout) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);

  public HealthConfig {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
  }

  public static HealthConfig defaults() {
    return new HealthConfig(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_CALL_TIMEOUT);
  }
}
