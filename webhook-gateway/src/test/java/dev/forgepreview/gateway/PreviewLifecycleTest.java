package dev.forgepreview.gateway;

import static dev.forgepreview.gateway.GitHub.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.gateway.RecordingPreviewWorkflow.Run;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateSignal;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks over HTTP into the in-memory Temporal service, with {@link RecordingPreviewWorkflow} on
 * the worker: what really starts, what each run receives.
 */
@MicronautTest
class PreviewLifecycleTest {
  private static final String OPENED_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
  private static final String PUSHED_SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject WorkflowClient temporal;

  private GitHub github;
  private int number;
  private String workflowId;

  @BeforeEach
  void pullRequest() {
    github = new GitHub(http);
    number = Payloads.nextNumber();
    workflowId = PreviewIds.workflowId("acme", "shop", number);
  }

  private Answer deliver(String fixture, String deliveryId) {
    String event = fixture.substring(0, fixture.indexOf('.'));
    return github.deliver(event, deliveryId, Payloads.load(fixture).number(number).bytes());
  }

  private List<Run> runs() {
    return RecordingPreviewWorkflow.runs(workflowId);
  }

  /** Waits until the one run has started and received {@code updates} updates. */
  private void awaitOneRun(int updates) {
    eventually(
        () ->
            runs().size() == 1
                && onlyRun().requests().size() == 1
                && onlyRun().updates().size() == updates);
  }

  private Run onlyRun() {
    assertThat(runs()).hasSize(1);
    return runs().get(0);
  }

  /** Waits for the current run to finish (it ends on destroy). */
  private void awaitCompleted() throws Exception {
    temporal
        .newUntypedWorkflowStub(workflowId)
        .getResult(10, TimeUnit.SECONDS, PreviewStatus.class);
  }

  @Test
  void openedStartsTheWorkflowWithTheHeadCommit() {
    Answer answer = deliver("pull_request.opened", "delivery-opened");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("workflowId")).isEqualTo(workflowId);
    assertThat(answer.field("action")).isEqualTo("started");
    awaitOneRun(1);
    Run run = onlyRun();
    assertThat(run.requests())
        .containsExactly(
            new PreviewRequest("acme", "shop", number, "feature/x", OPENED_SHA, "alice", null));
    assertThat(run.updates())
        .containsExactly(
            new UpdateSignal(OPENED_SHA, "feature/x", "delivery-opened", "alice", true, null));

    WorkflowExecutionDescription description =
        temporal.newUntypedWorkflowStub(workflowId).describe();
    assertThat(description.getWorkflowType()).isEqualTo(PreviewIds.WORKFLOW_TYPE);
    assertThat(description.getTaskQueue()).isEqualTo(PreviewIds.TASK_QUEUE);
    assertThat(description.getTypedSearchAttributes().get(PreviewIds.REPOSITORY))
        .isEqualTo("acme/shop");
    assertThat(description.getTypedSearchAttributes().get(PreviewIds.PULL_REQUEST))
        .isEqualTo((long) number);
    assertThat(description.getTypedSearchAttributes().get(PreviewIds.PHASE))
        .isEqualTo("PROVISIONING");
    // The in-memory service drops the static summary/details: StartOptionsTest covers them.
  }

  @Test
  void aRedeliveredWebhookGivesOneRun() {
    assertThat(deliver("pull_request.opened", "delivery-1").status()).isEqualTo(202);
    assertThat(deliver("pull_request.opened", "delivery-1").status()).isEqualTo(202);

    awaitOneRun(2);
    // Both reach the same run carrying the same delivery id, which the workflow deduplicates.
    assertThat(onlyRun().updates()).extracting(UpdateSignal::deliveryId).containsOnly("delivery-1");
    assertThat(onlyRun().requests()).hasSize(1);
  }

  @Test
  void aDoublePreviewCommentGivesOneRun() {
    assertThat(deliver("issue_comment.preview", "comment-1").field("action")).isEqualTo("started");
    Answer second = deliver("issue_comment.preview", "comment-2");
    assertThat(second.field("action")).isEqualTo("accepted");
    assertThat(second.field("reason"))
        .isEqualTo(
            "/preview by bob: a preview is already running (PROVISIONING); it redeploys if the"
                + " commit changed");
    assertThat(deliver("pull_request.reopened", "reopened-1").field("action"))
        .isEqualTo("accepted");

    awaitOneRun(3);
    assertThat(onlyRun().requests()).hasSize(1);
    assertThat(onlyRun().updates())
        .extracting(UpdateSignal::deliveryId)
        .containsExactly("comment-1", "comment-2", "reopened-1");
  }

  @Test
  void aPreviewCommentStartsWithoutHeadShaOrBranch() {
    Answer answer = deliver("issue_comment.preview", "comment-preview");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("action")).isEqualTo("started");
    awaitOneRun(1);
    assertThat(onlyRun().requests())
        .containsExactly(new PreviewRequest("acme", "shop", number, null, null, "bob", null, true));
    // The workflow checks bob's permission with GitHub before it acts on the comment.
    assertThat(onlyRun().updates())
        .containsExactly(new UpdateSignal(null, null, "comment-preview", "bob", true, true));
  }

  @Test
  void synchronizeSendsUpdateToTheRunningPreview() {
    deliver("pull_request.opened", "opened");
    awaitOneRun(1);

    Answer answer = deliver("pull_request.synchronize", "pushed");

    assertThat(answer.field("action")).isEqualTo("signalled");
    awaitOneRun(2);
    assertThat(onlyRun().updates().get(1))
        .isEqualTo(new UpdateSignal(PUSHED_SHA, "feature/x", "pushed", "alice"));
  }

  @Test
  void synchronizeStartsThePreviewWhenNoneRunsAndTheTriggerIsAuto() {
    Answer answer = deliver("pull_request.synchronize", "pushed");

    assertThat(answer.field("action")).isEqualTo("started");
    awaitOneRun(1);
    assertThat(onlyRun().requests().get(0).headSha()).isEqualTo(PUSHED_SHA);
  }

  @Test
  void readyForReviewStartsThePreview() {
    assertThat(deliver("pull_request.ready_for_review", "ready").field("action"))
        .isEqualTo("started");
    awaitOneRun(1);
  }

  @Test
  void updateAndDestroyCommentsSignalTheRunningPreview() throws Exception {
    deliver("issue_comment.preview", "c-1");
    awaitOneRun(1);

    assertThat(deliver("issue_comment.update", "c-2").field("action")).isEqualTo("signalled");
    assertThat(deliver("issue_comment.destroy", "c-3").field("action")).isEqualTo("signalled");

    awaitCompleted();
    Run run = onlyRun();
    assertThat(run.updates())
        .containsExactly(
            new UpdateSignal(null, null, "c-1", "bob", true, true),
            new UpdateSignal(null, null, "c-2", "bob", null, true));
    assertThat(run.destroys()).containsExactly(new DestroySignal("/destroy by bob", "bob", true));
  }

  @Test
  void closedDestroysAndReopenedStartsAFreshRun() throws Exception {
    deliver("pull_request.opened", "opened");
    awaitOneRun(1);

    Answer closed = deliver("pull_request.closed", "closed");
    assertThat(closed.field("action")).isEqualTo("signalled");
    awaitCompleted();
    assertThat(onlyRun().destroys())
        .containsExactly(new DestroySignal("pull request merged", "alice"));
    assertThat(temporal.newUntypedWorkflowStub(workflowId).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    // A second close never recreates the preview.
    Answer closedAgain = deliver("pull_request.closed", "closed-again");
    assertThat(closedAgain.field("reason")).isEqualTo("no preview running");
    assertThat(runs()).hasSize(1);

    Answer reopened = deliver("pull_request.reopened", "reopened");
    assertThat(reopened.field("action")).isEqualTo("started");
    eventually(
        () ->
            runs().size() == 2
                && runs().get(1).requests().size() == 1
                && runs().get(1).updates().size() == 1);
    assertThat(runs().get(1).runId()).isNotEqualTo(runs().get(0).runId());
    assertThat(runs().get(1).updates())
        .extracting(UpdateSignal::deliveryId)
        .containsExactly("reopened");
  }
}
