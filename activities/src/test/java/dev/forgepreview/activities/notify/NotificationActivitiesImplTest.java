package dev.forgepreview.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewSettings.NotificationFormat;
import dev.forgepreview.workflows.activities.NotificationActivities.PreviewNotification;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationActivitiesImplTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_PATH = "/services/T000/B000/secret-path-1f3a";
  private final MockWebServer server = new MockWebServer();
  private NotificationActivitiesImpl activities;

  @BeforeEach
  void start() throws Exception {
    server.start();
    activities = activitiesFor(repository -> Optional.of(server.url(SECRET_PATH).toString()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static NotificationActivitiesImpl activitiesFor(Function<String, Optional<String>> urls) {
    return new NotificationActivitiesImpl(
        SharedHttpClient.root(),
        urls,
        Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));
  }

  private static PreviewNotification failed(NotificationFormat format) {
    return new PreviewNotification(
        "acme/shop",
        42,
        "preview:acme:shop:42",
        "failed",
        Phase.FAILED,
        "https://pr-42-shop.preview.acme.dev",
        "0123456789abcdef0123456789abcdef01234567",
        "feature/x",
        "create-site",
        "POST /servers/7/sites answered 422: <domain> taken & more",
        List.of(),
        "2026-11-30T11:59:00Z",
        format);
  }

  @Test
  void postsTheDocumentedJsonBodyFieldByField() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());

    activities.notifyPreview(failed(NotificationFormat.JSON));

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo(SECRET_PATH);
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getHeaders().get("User-Agent")).isEqualTo("forge-preview");
    JsonNode body = JSON.readTree(request.getBody().utf8());
    assertThat(body.path("event").asText()).isEqualTo("failed");
    assertThat(body.path("repository").asText()).isEqualTo("acme/shop");
    assertThat(body.path("pullRequest").asInt()).isEqualTo(42);
    assertThat(body.path("previewId").asText()).isEqualTo("preview:acme:shop:42");
    assertThat(body.path("phase").asText()).isEqualTo("FAILED");
    assertThat(body.path("url").asText()).isEqualTo("https://pr-42-shop.preview.acme.dev");
    assertThat(body.path("sha").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(body.path("branch").asText()).isEqualTo("feature/x");
    assertThat(body.path("failedStep").asText()).isEqualTo("create-site");
    assertThat(body.path("failure").asText()).contains("answered 422");
    assertThat(body.path("leftBehind").isArray()).isTrue();
    assertThat(body.path("leftBehind")).isEmpty();
    assertThat(body.path("timestamp").asText()).isEqualTo("2026-11-30T11:59:00Z");
    assertThat(body.path("text").asText())
        .isEqualTo(
            "Preview of acme/shop#42 failed at create-site: POST /servers/7/sites answered 422:"
                + " <domain> taken & more (commit 0123456); it was rolled back");
    assertThat(body.size()).isEqualTo(13);
  }

  @Test
  void slackGetsItsTextShapeWithMarkupEscaped() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    activities.notifyPreview(failed(NotificationFormat.SLACK));

    JsonNode body = JSON.readTree(server.takeRequest().getBody().utf8());
    assertThat(body.size()).isEqualTo(1);
    assertThat(body.path("text").asText())
        .startsWith("Preview of acme/shop#42 failed at create-site")
        .contains("&lt;domain&gt; taken &amp; more")
        .doesNotContain("<domain>");
  }

  @Test
  void aServerErrorIsRetryableAndNamesTheHostOnly() {
    server.enqueue(new MockResponse.Builder().code(503).build());

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.notifyPreview(failed(NotificationFormat.JSON)));

    assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("POST to " + server.getHostName() + " answered 503")
        .doesNotContain("secret-path");
  }

  @Test
  void aClientErrorGivesUp() {
    server.enqueue(new MockResponse.Builder().code(404).body("no_service").build());

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.notifyPreview(failed(NotificationFormat.SLACK)));

    assertThat(failure.getType()).isEqualTo(FailureType.VALIDATION.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).doesNotContain("secret-path", "no_service");
  }

  @Test
  void tooManyRequestsWaitsAsAsked() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "30").build());

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.notifyPreview(failed(NotificationFormat.JSON)));

    assertThat(failure.getType()).isEqualTo(FailureType.RATE_LIMITED.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anUnreachableEndpointIsRetryable() {
    server.close();

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.notifyPreview(failed(NotificationFormat.JSON)));

    assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
    assertThat(failure.getOriginalMessage()).doesNotContain("secret-path");
  }

  @Test
  void noUrlOrAMissingVariableFailsForGoodWithoutSending() {
    ApplicationFailure none =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activitiesFor(repository -> Optional.empty())
                    .notifyPreview(failed(NotificationFormat.JSON)));
    assertThat(none.isNonRetryable()).isTrue();
    assertThat(none.getOriginalMessage()).contains("acme/shop configures no notification URL");

    ApplicationFailure missing =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activitiesFor(
                        repository -> {
                          throw new ConfigurationException("SLACK_URL is not set");
                        })
                    .notifyPreview(failed(NotificationFormat.JSON)));
    assertThat(missing.isNonRetryable()).isTrue();
    assertThat(missing.getOriginalMessage()).contains("SLACK_URL is not set");
    assertThat(server.getRequestCount()).isZero();
  }
}
