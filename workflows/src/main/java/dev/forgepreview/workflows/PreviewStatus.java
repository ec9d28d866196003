package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer of the {@code status} query and the workflow's result. Times are ISO-8601 instants.
 * {@code failedStep}/{@code failureReason} and {@code rolledBack} are set after a rollback, with
 * {@code failureLog} (the end of the deployment log) when a deployment failed. {@code
 * lastUpdateFailure} names the newest update that failed while the preview stayed on {@code
 * deployedSha}; a later successful update clears it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreviewStatus(
    String previewId,
    String repository,
    int pullRequest,
    Phase phase,
    String previewUrl,
    String branch,
    String headSha,
    String deployedSha,
    ForgeResources resources,
    List<StepRecord> steps,
    List<String> warnings,
    String expiresAt,
    String failedStep,
    String failureReason,
    List<String> rolledBack,
    int deployments,
    String failureLog,
    UpdateFailure lastUpdateFailure) {}
