package dev.forgepreview.gateway;

import static dev.forgepreview.gateway.GitHub.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.gateway.RecordingPreviewWorkflow.Run;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.UpdateSignal;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code trigger: label}: real {@code labeled} and {@code unlabeled} deliveries for {@code
 * acme/labelled} (label {@code preview}) into the in-memory Temporal service.
 */
@MicronautTest
class LabelTriggerTest {
  @Inject
  @Client("/")
  HttpClient http;

  private GitHub github;
  private int number;
  private String workflowId;

  @BeforeEach
  void pullRequest() {
    github = new GitHub(http);
    number = Payloads.nextNumber();
    workflowId = PreviewIds.workflowId("acme", "labelled", number);
  }

  private Answer deliver(String fixture) {
    return github.deliver(
        "pull_request",
        Payloads.load(fixture).repository("acme", "labelled").number(number).bytes());
  }

  private List<Run> runs() {
    return RecordingPreviewWorkflow.runs(workflowId);
  }

  @Test
  void addingTheLabelStartsThePreviewAsACommandOfTheSender() {
    Answer answer = deliver("pull_request.labeled-preview");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("started");
    assertThat(answer.field("reason")).isEqualTo("label preview added by alice");
    eventually(() -> runs().size() == 1 && runs().get(0).updates().size() == 1);
    PreviewRequest request = runs().get(0).requests().get(0);
    // The workflow asks GitHub whether alice may write before it creates anything.
    assertThat(request.viaComment()).isTrue();
    assertThat(request.requestedBy()).isEqualTo("alice");
    UpdateSignal update = runs().get(0).updates().get(0);
    assertThat(update.asksToStart()).isTrue();
    assertThat(update.viaComment()).isTrue();
    assertThat(update.headSha()).isNotBlank();
  }

  @Test
  void removingTheLabelDestroysThePreviewAsACommandOfTheSender() {
    deliver("pull_request.labeled-preview");
    eventually(() -> runs().size() == 1);

    Answer answer = deliver("pull_request.unlabeled-preview");

    assertThat(answer.field("action")).isEqualTo("signalled");
    eventually(() -> runs().get(0).destroys().size() == 1);
    DestroySignal destroy = runs().get(0).destroys().get(0);
    assertThat(destroy.reason()).isEqualTo("label preview removed by alice");
    assertThat(destroy.viaComment()).isTrue();
    assertThat(destroy.requestedBy()).isEqualTo("alice");
  }

  @Test
  void anotherLabelAndAnOpenedPullRequestStartNothing() {
    Answer bug =
        github.deliver(
            "pull_request",
            Payloads.load("pull_request.labeled")
                .repository("acme", "labelled")
                .number(number)
                .bytes());
    assertThat(bug.field("action")).isEqualTo("ignored");
    assertThat(bug.field("reason")).isEqualTo("label bug is not the preview label preview");

    Answer opened = deliver("pull_request.opened");
    assertThat(opened.field("action")).isEqualTo("ignored");
    assertThat(opened.field("reason"))
        .isEqualTo("trigger is label: add the label preview to start");
    assertThat(runs()).isEmpty();
  }

  @Test
  void removingTheLabelWithoutAPreviewIsIgnored() {
    Answer answer = deliver("pull_request.unlabeled-preview");
    assertThat(answer.field("action")).isEqualTo("ignored");
    assertThat(answer.field("reason")).isEqualTo("no preview running");
  }
}
