package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.gateway.webhook.SignatureVerifier;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Sends deliveries the way GitHub does: JSON body, event, delivery id and signature headers. */
final class GitHub {
  static final String SECRET = "test secret: not for production";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final SignatureVerifier signer =
      new SignatureVerifier(SECRET.getBytes(StandardCharsets.UTF_8));

  GitHub(HttpClient client) {
    this.client = client;
  }

  /** A status and the parsed JSON body (null when the body is not JSON). */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String field(String name) {
      JsonNode value = json().get(name);
      return value == null || value.isNull() ? null : value.asText();
    }
  }

  String sign(byte[] body) {
    return signer.sign(body);
  }

  Answer deliver(String event, byte[] body) {
    return deliver(event, UUID.randomUUID().toString(), body);
  }

  Answer deliver(String event, String deliveryId, byte[] body) {
    return send(
        HttpRequest.POST("/webhook/github", body)
            .contentType(MediaType.APPLICATION_JSON_TYPE)
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", deliveryId)
            .header("X-GitHub-Hook-ID", "487312208")
            .header("User-Agent", "GitHub-Hookshot/a1b2c3d")
            .header("X-Hub-Signature-256", signer.sign(body)));
  }

  Answer send(MutableHttpRequest<?> request) {
    try {
      HttpResponse<String> response = client.toBlocking().exchange(request, String.class);
      return new Answer(response.code(), response.getBody().orElse(""));
    } catch (HttpClientResponseException e) {
      return new Answer(e.code(), e.getResponse().getBody(String.class).orElse(""));
    }
  }

  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
