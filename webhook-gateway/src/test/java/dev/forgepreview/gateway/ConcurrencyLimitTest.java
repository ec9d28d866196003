package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
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
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConcurrentPreviews}. The in-memory Temporal test server cannot count workflows, so the
 * gateway's own port to Temporal is replaced here (the end-to-end suite counts for real).
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
  void aNewPreviewBeyondTheLimitIsNotStarted() {
    when(previews.isRunning(any())).thenReturn(false);
    when(previews.runningPreviews("acme/limited")).thenReturn(OptionalLong.of(2));

    Answer answer = open("acme", "limited", 7);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).contains("maxConcurrentPreviews 2");
    verify(previews, never()).start(any(), any());
  }

  @Test
  void belowTheLimitOrAlreadyRunningItStarts() {
    when(previews.isRunning("preview:acme:limited:8")).thenReturn(false);
    when(previews.runningPreviews("acme/limited")).thenReturn(OptionalLong.of(1));
    assertThat(open("acme", "limited", 8).field("action")).isEqualTo("started");

    when(previews.isRunning("preview:acme:limited:9")).thenReturn(true);
    when(previews.runningPreviews("acme/limited")).thenReturn(OptionalLong.of(2));
    assertThat(open("acme", "limited", 9).field("action")).isEqualTo("started");
    verify(previews, times(2)).start(any(), any());
  }

  @Test
  void aServerThatCannotCountDoesNotBlockStarts() {
    when(previews.isRunning(any())).thenReturn(false);
    when(previews.runningPreviews("acme/limited")).thenReturn(OptionalLong.empty());
    assertThat(open("acme", "limited", 10).field("action")).isEqualTo("started");
  }

  private Answer open(String owner, String repo, int number) {
    return new GitHub(client)
        .deliver(
            "pull_request",
            Payloads.load("pull_request.opened").repository(owner, repo).number(number).bytes());
  }
}
