package dev.forgepreview.activities.health;

import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.HealthActivities;
import java.io.IOException;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GET of the preview URL, following redirects. Any answer below 500 counts as reachable (a
 * login page's 302 or an app's 404 still prove the site is served); a 5xx or no answer fails with
 * the benign {@code NOT_READY} type, so the workflow's retry policy is the poll.
 */
public final class HealthActivitiesImpl implements HealthActivities {
  private static final Logger log = LoggerFactory.getLogger(HealthActivitiesImpl.class);

  private final OkHttpClient http;

  public HealthActivitiesImpl() {
    this(SharedHttpClient.root(), HealthConfig.defaults());
  }

  /**
   * @param http a shared client to derive from (its pool and dispatcher are reused)
   */
  public HealthActivitiesImpl(OkHttpClient http, HealthConfig config) {
    Objects.requireNonNull(config, "config");
    this.http =
        Objects.requireNonNull(http, "http")
            .newBuilder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .callTimeout(config.callTimeout())
            .followRedirects(true)
            .followSslRedirects(true)
            .retryOnConnectionFailure(false)
            .build();
  }

  @Override
  public int checkConnectivity(ConnectivityRequest request) {
    HttpUrl url = request == null || request.url() == null ? null : HttpUrl.parse(request.url());
    if (url == null) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, "the preview URL is not an http(s) URL");
    }
    Request get =
        new Request.Builder().url(url).get().header("User-Agent", "forge-preview-health").build();
    try (Response response = http.newCall(get).execute()) {
      int code = response.code();
      if (code >= 500) {
        throw ActivityFailures.notReady("GET " + url.redact() + " answered " + code);
      }
      log.debug("GET {} answered {} ({})", url.redact(), code, request.requestId());
      return code;
    } catch (IOException e) {
      throw ActivityFailures.notReady(
          "GET "
              + url.redact()
              + " failed: "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage());
    }
  }

  /** The client this one derived, for tests of the shared pool. */
  OkHttpClient http() {
    return http;
  }
}
