package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /prometheus}: deliveries by event and answer, signature failures, Temporal calls. */
@MicronautTest
class MetricsEndpointTest {
  @Inject
  @Client("/")
  HttpClient client;

  private String scrape() {
    return client.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
  }

  /** The value of one series, 0 when it is absent. */
  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void countsDeliveriesByEventAndAnswerAndSignatureFailures() {
    GitHub github = new GitHub(client);
    String before = scrape();

    Answer opened =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.opened").number(Payloads.nextNumber()).bytes());
    assertThat(opened.status()).isEqualTo(202);
    Answer unsigned =
        github.send(
            HttpRequest.POST("/webhook/github", Payloads.load("ping").bytes())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-GitHub-Event", "ping<script>"));
    assertThat(unsigned.status()).isEqualTo(401);

    String after = scrape();
    String accepted =
        "forge_preview_webhook_deliveries_total{answer=\"202\",event=\"pull_request\"}";
    assertThat(value(after, accepted) - value(before, accepted)).isEqualTo(1);
    // Before the signature is checked the event header is not trusted: no free text in labels.
    String refused = "forge_preview_webhook_deliveries_total{answer=\"401\",event=\"unverified\"}";
    assertThat(value(after, refused) - value(before, refused)).isEqualTo(1);
    assertThat(after).doesNotContain("ping<script>");
    String failures = "forge_preview_webhook_signature_failures_total";
    assertThat(value(after, failures) - value(before, failures)).isEqualTo(1);
    String started =
        "forge_preview_temporal_call_seconds_count{operation=\"signal-with-start\",outcome=\"ok\"}";
    assertThat(value(after, started) - value(before, started)).isEqualTo(1);
  }
}
