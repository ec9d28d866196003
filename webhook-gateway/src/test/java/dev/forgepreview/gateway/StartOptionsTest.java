package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.temporal.TemporalPreviewStarter;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.UpdateSignal;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;

class StartOptionsTest {

  @Test
  void describeThePreviewForTheWebUi() {
    WorkflowOptions options =
        TemporalPreviewStarter.startOptions(
            new PreviewRequest("Acme", "Shop", 42, "feature/x", "6dcb09b", "alice", null),
            new UpdateSignal("6dcb09b", "feature/x", "delivery-1", "alice"));

    assertThat(options.getWorkflowId()).isEqualTo("preview:acme:shop:42");
    assertThat(options.getTaskQueue()).isEqualTo(PreviewIds.TASK_QUEUE);
    assertThat(options.getWorkflowIdReusePolicy())
        .isEqualTo(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
    assertThat(options.getTypedSearchAttributes().get(PreviewIds.REPOSITORY))
        .isEqualTo("acme/shop");
    assertThat(options.getTypedSearchAttributes().get(PreviewIds.PULL_REQUEST)).isEqualTo(42L);
    assertThat(options.getTypedSearchAttributes().get(PreviewIds.PHASE)).isEqualTo("PROVISIONING");
    assertThat(options.getStaticSummary()).isEqualTo("Preview of Acme/Shop#42 (feature/x)");
    assertThat(options.getStaticDetails())
        .contains("https://github.com/Acme/Shop/pull/42", "@alice", "6dcb09b", "delivery-1");
  }

  @Test
  void aCommentStartLeavesTheBranchOut() {
    WorkflowOptions options =
        TemporalPreviewStarter.startOptions(
            new PreviewRequest("acme", "shop", 7, null, null, "bob", null),
            new UpdateSignal(null, null, "delivery-2", "bob"));

    assertThat(options.getStaticSummary()).isEqualTo("Preview of acme/shop#7");
    assertThat(options.getStaticDetails()).contains("looked up by the workflow");
  }
}
