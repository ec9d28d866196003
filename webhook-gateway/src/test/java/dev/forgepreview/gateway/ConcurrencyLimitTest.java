package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.gateway.temporal.TemporalPreviewStarter;
import dev.forgepreview.gateway.webhook.PreviewStarter;
import dev.forgepreview.gateway.webhook.StartOutcome;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConcurrentPreviews} is no business of the gateway any more: it starts (or signals)
 * every preview, and a preview beyond the cap waits {@code QUEUED} for its admission coordinator.
 * The gateway's port to Temporal is replaced to show it asks nothing else (no visibility count).
 */
@MicronautTest
class ConcurrencyLimitTest {
  @Inject
  @Client("/")
  HttpClient client;

  @Inject PreviewStarter previews;

  @MockBean(TemporalPreviewStarter.class)
  PreviewStarter previews() {
    PreviewStarter previews = mock(PreviewStarter.class);
    when(previews.start(any(), any())).thenReturn(StartOutcome.started());
    return previews;
  }

  @Test
  void everyPreviewBeyondTheCapIsStartedWithoutCountingRunningOnes() {
    for (int number = 7; number <= 9; number++) {
      Answer answer = open("acme", "limited", number);
      assertThat(answer.status()).isEqualTo(202);
      assertThat(answer.field("action")).isEqualTo("started");
    }
    verify(previews, times(3)).start(any(), any());
    verifyNoMoreInteractions(previews);
  }

  private Answer open(String owner, String repo, int number) {
    return new GitHub(client)
        .deliver(
            "pull_request",
            Payloads.load("pull_request.opened").repository(owner, repo).number(number).bytes());
  }
}
