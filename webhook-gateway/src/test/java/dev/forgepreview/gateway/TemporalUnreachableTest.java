package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The production Temporal client pointed at a port where nothing listens. */
@MicronautTest
@Property(name = "test.real-temporal-client", value = "true")
@Property(name = "forge-preview.temporal.address", value = "127.0.0.1:1")
@Property(name = "forge-preview.temporal.rpc-timeout", value = "1s")
@Property(name = "forge-preview.temporal.health-timeout", value = "500ms")
class TemporalUnreachableTest {
  @Inject
  @Client("/")
  HttpClient client;

  @Test
  void healthIs503() {
    Answer answer = new GitHub(client).send(HttpRequest.GET("/health"));

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("{\"status\":\"DOWN\",\"temporal\":\"DOWN\"}");
  }

  @Test
  void aStartIs503WithoutInternals() {
    Answer answer =
        new GitHub(client).deliver("pull_request", Payloads.load("pull_request.opened").bytes());

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("{\"error\":\"workflow service unavailable\"}");
  }
}
