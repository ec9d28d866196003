package dev.forgepreview.activities.health;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.BasicAuthCredentials.Credentials;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.HealthActivities;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
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
  private final BasicAuthCredentials credentials;

  public HealthActivitiesImpl() {
    this(SharedHttpClient.root(), HealthConfig.defaults());
  }

  /** With the previews' basic auth: the GET of a protected preview sends its credentials. */
  public HealthActivitiesImpl(BasicAuthCredentials credentials) {
    this(SharedHttpClient.root(), HealthConfig.defaults(), credentials);
  }

  /**
   * @param http a shared client to derive from (its pool and dispatcher are reused)
   */
  public HealthActivitiesImpl(OkHttpClient http, HealthConfig config) {
    this(http, config, null);
  }

  /**
   * @param credentials the previews' basic auth; null: every GET goes without credentials
   */
  public HealthActivitiesImpl(
      OkHttpClient http, HealthConfig config, BasicAuthCredentials credentials) {
    this.credentials = credentials;
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
    Request.Builder get =
        new Request.Builder().url(url).get().header("User-Agent", "forge-preview-health");
    Optional<Credentials> user = credentials(request);
    user.ifPresent(
        c ->
            get.header(
                "Authorization", okhttp3.Credentials.basic(c.username(), c.password(), UTF_8)));
    try (Response response = http.newCall(get.build()).execute()) {
      int code = response.code();
      if (code >= 500) {
        throw ActivityFailures.notReady("GET " + url.redact() + " answered " + code);
      }
      if (code == 401 && user.isPresent()) {
        throw ActivityFailures.notReady(
            "GET " + url.redact() + " answered 401: the preview's basic auth refused its user");
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

  /** The preview's basic auth user, when its repository asks for one. */
  private Optional<Credentials> credentials(ConnectivityRequest request) {
    if (credentials == null || request.repository() == null || request.previewId() == null) {
      return Optional.empty();
    }
    try {
      return credentials.of(request.repository(), request.previewId());
    } catch (BasicAuthCredentials.UnavailableException e) {
      log.warn("{}: GET without credentials: {}", request.requestId(), e.getMessage());
      return Optional.empty();
    }
  }

  /** The client this one derived, for tests of the shared pool. */
  OkHttpClient http() {
    return http;
  }
}
