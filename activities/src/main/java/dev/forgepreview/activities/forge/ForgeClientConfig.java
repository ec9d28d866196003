package dev.forgepreview.activities.forge;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the Forge API is and how long to wait for it. {@code baseUrl} is the v1 root, e.g. {@code
 * https://forge.laravel.com/api/v1/} or a simulator's {@code http://127.0.0.1:PORT/api/v1/}; a
 * missing trailing slash is added. {@link #toString()} never shows the token. {@code
 * budgetPatience} is how long one request may wait, inside the call, for the token's budget Forge
 * reports (see {@link ForgeRequestBudget}) before the call fails as rate limited; zero fails at
 * once.
 */
public record ForgeClientConfig(
    String baseUrl,
    String token,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    Duration budgetPatience) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Long enough for a request to wait its turn behind about 30 others at Forge's 60 per minute (a
   * burst of 20 previews has at most 20 waiting); an activity whose requests together wait past its
   * one-minute limit is retried by Temporal.
   */
  public static final Duration DEFAULT_BUDGET_PATIENCE = Duration.ofSeconds(30);

  public ForgeClientConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("the Forge API token is blank");
    }
    baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    connectTimeout = positive(connectTimeout, "connectTimeout");
    readTimeout = positive(readTimeout, "readTimeout");
    callTimeout = positive(callTimeout, "callTimeout");
    Objects.requireNonNull(budgetPatience, "budgetPatience");
    if (budgetPatience.isNegative()) {
      throw new IllegalArgumentException("budgetPatience must not be negative: " + budgetPatience);
    }
  }

  /** Timeouts as given, and a call that finds the budget spent fails at once (no patience). */
  public ForgeClientConfig(
      String baseUrl,
      String token,
      Duration connectTimeout,
      Duration readTimeout,
      Duration callTimeout) {
    this(baseUrl, token, connectTimeout, readTimeout, callTimeout, Duration.ZERO);
  }

  /** The default timeouts. */
  public static ForgeClientConfig of(String baseUrl, String token) {
    return new ForgeClientConfig(
        baseUrl,
        token,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        DEFAULT_CALL_TIMEOUT,
        DEFAULT_BUDGET_PATIENCE);
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "ForgeClientConfig[baseUrl="
        + baseUrl
        + ", token=***, connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", callTimeout="
        + callTimeout
        + ", budgetPatience="
        + budgetPatience
        + "]";
  }
}
