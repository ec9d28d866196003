package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Run by the Temporal Schedule {@code preview-cleanup}: signals {@code destroy} to previews past
 * their TTL and deletes Forge resources that follow our naming but belong to no open preview
 * (orphans), once they are older than a grace period.
 */
@WorkflowInterface
public interface PreviewCleanupWorkflow {

  @WorkflowMethod(name = PreviewIds.CLEANUP_WORKFLOW_TYPE)
  CleanupReport run(CleanupRequest request);

  /**
   * @param dryRun report what would be done, do nothing
   * @param orphanGrace ISO-8601 duration; an orphan younger than this is left alone (default PT2H)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CleanupRequest(boolean dryRun, String orphanGrace) {}

  /** What the run did (or, in a dry run, would have done). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CleanupReport(
      boolean dryRun,
      List<String> expiredPreviews,
      List<String> deletedOrphans,
      List<String> youngOrphans,
      List<String> errors) {}
}
