package dev.forgepreview.worker;

import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;

/**
 * The worker tests' Temporal test server, with the search attributes a preview writes (the names
 * come from {@link PreviewIds}, their one owner): a preview upserts them from its first task, and
 * one the server does not know fails that task.
 */
final class PreviewTestEnvironment {
  private PreviewTestEnvironment() {}

  static TestWorkflowEnvironment create() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    env.registerSearchAttribute(
        PreviewIds.REPOSITORY.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        PreviewIds.PHASE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        PreviewIds.PULL_REQUEST.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    env.registerSearchAttribute(
        PreviewIds.QUEUE_POSITION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    return env;
  }

  /** Starts preview {@code id} on the preview task queue, as the gateway's start does. */
  static PreviewEnvironmentWorkflow startPreview(
      TestWorkflowEnvironment env, String id, PreviewRequest request) {
    PreviewEnvironmentWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                PreviewEnvironmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(PreviewIds.TASK_QUEUE)
                    .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }
}
