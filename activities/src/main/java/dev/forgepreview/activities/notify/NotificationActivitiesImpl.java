package dev.forgepreview.activities.notify;

import dev.forgepreview.activities.http.RetryAfter;
import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.NotificationActivities;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a preview's notification to the URL its repository configures, looked up here (the URL may
 * be a secret: a Slack incoming webhook's path is its credential), so it is never in history, a log
 * line or a failure message: those name the host only.
 */
public final class NotificationActivitiesImpl implements NotificationActivities {
  private static final Logger log = LoggerFactory.getLogger(NotificationActivitiesImpl.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final OkHttpClient http;
  private final Function<String, Optional<String>> urls;
  private final Clock clock;

  /**
   * @param urls the resolved notification URL of a repository ({@code owner/name}), empty when it
   *     configures none; may throw {@link ConfigurationException} naming a missing variable
   */
  public NotificationActivitiesImpl(Function<String, Optional<String>> urls) {
    this(SharedHttpClient.root(), urls, Clock.systemUTC());
  }

  NotificationActivitiesImpl(
      OkHttpClient http, Function<String, Optional<String>> urls, Clock clock) {
    this.http =
        Objects.requireNonNull(http, "http")
            .newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(10))
            .callTimeout(Duration.ofSeconds(15))
            .followRedirects(false)
            .retryOnConnectionFailure(false)
            .build();
    this.urls = Objects.requireNonNull(urls, "urls");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void notifyPreview(PreviewNotification notification) {
    String repository = notification.repository();
    Optional<String> configured;
    try {
      configured = urls.apply(repository);
    } catch (ConfigurationException e) {
      throw ActivityFailures.of(
          FailureType.VALIDATION, "the notification URL of " + repository + ": " + e.getMessage());
    }
    if (configured.isEmpty()) {
      throw ActivityFailures.of(
          FailureType.VALIDATION, repository + " configures no notification URL on this worker");
    }
    HttpUrl url = HttpUrl.parse(configured.get());
    if (url == null) {
      throw ActivityFailures.of(
          FailureType.INVALID_INPUT,
          "the notification URL of " + repository + " is not an http(s) URL");
    }
    String target = "POST to " + url.host();
    Request post =
        new Request.Builder()
            .url(url)
            .header("User-Agent", "forge-preview")
            .post(RequestBody.create(NotificationBody.render(notification), JSON))
            .build();
    try (Response response = http.newCall(post).execute()) {
      int code = response.code();
      if (code / 100 == 2) {
        log.info(
            "notified {} of {}: {} answered {}",
            notification.previewId(),
            notification.event(),
            url.host(),
            code);
        return;
      }
      String message = target + " answered " + code;
      if (code == 429) {
        throw ActivityFailures.of(
            FailureType.RATE_LIMITED,
            message,
            RetryAfter.parse(response.header("Retry-After"), clock).orElse(null),
            null);
      }
      if (code >= 500 || code == 408) {
        throw ActivityFailures.of(FailureType.TRANSIENT, message);
      }
      // 3xx included: a webhook URL that redirects is misconfigured, and a retry cannot help.
      throw ActivityFailures.of(FailureType.VALIDATION, message);
    } catch (IOException e) {
      throw ActivityFailures.of(
          FailureType.TRANSIENT, target + " failed: " + e.getClass().getSimpleName());
    }
  }
}
