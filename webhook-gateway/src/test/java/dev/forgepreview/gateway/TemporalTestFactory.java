package dev.forgepreview.gateway;

import dev.forgepreview.workflows.PreviewIds;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import jakarta.inject.Singleton;

/**
 * Puts the gateway on an in-memory Temporal service with a worker running {@link
 * RecordingPreviewWorkflow}. A test that sets {@code test.real-temporal-client} keeps the
 * production client instead.
 */
@Factory
@Requires(missingProperty = "test.real-temporal-client")
class TemporalTestFactory {

  @Singleton
  @Bean(preDestroy = "close")
  TestWorkflowEnvironment testWorkflowEnvironment() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    for (SearchAttributeKey<?> key :
        new SearchAttributeKey<?>[] {
          PreviewIds.REPOSITORY, PreviewIds.PULL_REQUEST, PreviewIds.PHASE
        }) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(PreviewIds.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(RecordingPreviewWorkflow.class);
    env.start();
    return env;
  }

  @Singleton
  @Replaces(WorkflowClient.class)
  WorkflowClient workflowClient(TestWorkflowEnvironment env) {
    return env.getWorkflowClient();
  }
}
