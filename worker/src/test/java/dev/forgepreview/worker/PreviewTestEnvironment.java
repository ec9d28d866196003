package dev.forgepreview.worker;

import dev.forgepreview.workflows.PreviewIds;
import io.temporal.api.enums.v1.IndexedValueType;
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
}
