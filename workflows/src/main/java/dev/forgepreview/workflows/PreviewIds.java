package dev.forgepreview.workflows;

import io.temporal.common.SearchAttributeKey;
import java.util.Locale;

/** Names shared by the gateway, the worker, the CLIs and the docs (README, Operations). */
public final class PreviewIds {
  /** Task queue of the workflows and of every activity that is not a Forge API call. */
  public static final String TASK_QUEUE = "forge-preview";

  /** Task queue of every Forge API call, so its rate can be capped across all workers. */
  public static final String FORGE_TASK_QUEUE = "forge-api";

  public static final String WORKFLOW_TYPE = "PreviewEnvironmentWorkflow";
  public static final String CLEANUP_WORKFLOW_TYPE = "PreviewCleanupWorkflow";
  public static final String CLEANUP_SCHEDULE_ID = "preview-cleanup";
  public static final String CLEANUP_WORKFLOW_ID = "preview-cleanup";
  public static final String SNAPSHOT_WORKFLOW_TYPE = "MasterSnapshotWorkflow";
  private static final String SNAPSHOT_PREFIX = "master-snapshot:";

  public static final String SIGNAL_UPDATE = "update";
  public static final String SIGNAL_DESTROY = "destroy";
  public static final String SIGNAL_EXTEND = "extend";
  public static final String QUERY_STATUS = "status";

  public static final SearchAttributeKey<String> REPOSITORY =
      SearchAttributeKey.forKeyword("PreviewRepository");
  public static final SearchAttributeKey<Long> PULL_REQUEST =
      SearchAttributeKey.forLong("PreviewPullRequest");
  public static final SearchAttributeKey<String> PHASE =
      SearchAttributeKey.forKeyword("PreviewPhase");

  private static final String PREFIX = "preview:";

  private PreviewIds() {}

  /** {@code preview:{owner}:{repo}:{number}}, owner and repo lower-cased. */
  public static String workflowId(String owner, String repo, int number) {
    if (owner == null || repo == null || owner.isBlank() || repo.isBlank() || number <= 0) {
      throw new IllegalArgumentException(
          "owner, repo and a positive pull request number are needed");
    }
    if (owner.indexOf(':') >= 0 || repo.indexOf(':') >= 0) {
      throw new IllegalArgumentException("owner and repo cannot contain ':'");
    }
    return PREFIX
        + owner.toLowerCase(Locale.ROOT)
        + ':'
        + repo.toLowerCase(Locale.ROOT)
        + ':'
        + number;
  }

  /** {@code owner/repo}, lower-cased: the value of the {@code PreviewRepository} attribute. */
  public static String repositoryKey(String owner, String repo) {
    return owner.toLowerCase(Locale.ROOT) + '/' + repo.toLowerCase(Locale.ROOT);
  }

  /** Whether a workflow id follows {@link #workflowId}. */
  public static boolean isPreviewWorkflowId(String id) {
    return id != null && id.startsWith(PREFIX) && id.split(":", -1).length == 4;
  }

  /**
   * The schedule, and the workflow id of its runs, that refreshes the master snapshot of {@code
   * owner/repo}: {@code master-snapshot:{owner}:{repo}}, lower-cased.
   */
  public static String snapshotScheduleId(String owner, String repo) {
    return SNAPSHOT_PREFIX + owner.toLowerCase(Locale.ROOT) + ':' + repo.toLowerCase(Locale.ROOT);
  }

  /** {@link #snapshotScheduleId} of an {@code owner/repo} key. */
  public static String snapshotScheduleId(String repository) {
    int slash = repository.indexOf('/');
    return snapshotScheduleId(repository.substring(0, slash), repository.substring(slash + 1));
  }
}
