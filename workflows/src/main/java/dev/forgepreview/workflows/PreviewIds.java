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

  /** The admission coordinator's workflow type ({@link AdmissionWorkflow}). */
  public static final String ADMISSION_WORKFLOW_TYPE = "AdmissionWorkflow";

  /** Coordinator → preview: the slot is granted. */
  public static final String SIGNAL_ADMITTED = "admitted";

  /** Coordinator → preview: its place in the queue. */
  public static final String SIGNAL_QUEUED = "queued";

  public static final String SIGNAL_REQUEST = "request";
  public static final String SIGNAL_RELEASE = "release";
  public static final String SIGNAL_REPORT = "report";

  /** Operator → coordinator: close a repository's circuit breaker. */
  public static final String SIGNAL_RESET_BREAKER = "resetBreaker";

  public static final String QUERY_ADMISSION = "admission";

  public static final SearchAttributeKey<String> REPOSITORY =
      SearchAttributeKey.forKeyword("PreviewRepository");
  public static final SearchAttributeKey<Long> PULL_REQUEST =
      SearchAttributeKey.forLong("PreviewPullRequest");
  public static final SearchAttributeKey<String> PHASE =
      SearchAttributeKey.forKeyword("PreviewPhase");

  /** A queued preview's place in its coordinator's queue (1 = next); unset once admitted. */
  public static final SearchAttributeKey<Long> QUEUE_POSITION =
      SearchAttributeKey.forLong("PreviewQueuePosition");

  private static final String PREFIX = "preview:";
  private static final String ADMISSION_PREFIX = "admission:";

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

  /**
   * The admission coordinator of a repository's previews: {@code admission:forge-server:{id}} for a
   * shared server (one coordinator for every repository on it), else {@code
   * admission:{owner}:{repo}}.
   */
  public static String admissionId(String owner, String repo, PreviewSettings settings) {
    if (settings.mode() == PreviewSettings.Mode.SHARED && settings.sharedServerId() != null) {
      return ADMISSION_PREFIX + "forge-server:" + settings.sharedServerId();
    }
    return ADMISSION_PREFIX + owner.toLowerCase(Locale.ROOT) + ':' + repo.toLowerCase(Locale.ROOT);
  }

  /**
   * The admission coordinator of every compose preview on one host, whatever its repository: {@code
   * admission:host:{host}}, lower-cased. It hands out the host's ports (pool {@value
   * Admission#PORT_POOL}) and holds each repository's cap and circuit breaker.
   */
  public static String composeHostAdmissionId(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a compose host is needed");
    }
    return ADMISSION_PREFIX + "host:" + host.toLowerCase(Locale.ROOT);
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
