package dev.forgepreview.workflows;

import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one preview workflow knows, shared by the lifecycle, the pipeline and the compensations of
 * one execution. Everything here is deterministic workflow state.
 */
final class PreviewState {
  PreviewRequest request;
  String previewId;
  PreviewSettings settings;
  PreviewActivityOptions options = new PreviewActivityOptions(null);
  Phase phase = Phase.PROVISIONING;
  String branch;
  String headSha;

  /** The sha the last deployment was asked for. */
  String requestedSha;

  /** The commit Forge reports as deployed (may name the same change differently). */
  String deployedSha;

  String previewUrl;
  ForgeResources resources = ForgeResources.none();
  final List<StepRecord> steps = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final List<String> rolledBack = new ArrayList<>();
  String failedStep;
  String failureReason;
  long expiresAtMillis;
  int deployments;
  int deploymentsThisRun;

  PreviewStatus status() {
    return new PreviewStatus(
        previewId,
        request == null ? null : PreviewIds.repositoryKey(request.owner(), request.repo()),
        request == null ? 0 : request.number(),
        phase,
        previewUrl,
        branch,
        headSha,
        deployedSha,
        resources,
        List.copyOf(steps),
        List.copyOf(warnings),
        expiresAtMillis == 0 ? null : Instant.ofEpochMilli(expiresAtMillis).toString(),
        failedStep,
        failureReason,
        List.copyOf(rolledBack),
        deployments);
  }

  /** The phase, in the search attributes and the Web UI's details too. */
  void setPhase(Phase next) {
    phase = next;
    if (request != null) {
      Workflow.upsertTypedSearchAttributes(
          PreviewIds.PHASE.valueSet(next.name()),
          PreviewIds.REPOSITORY.valueSet(PreviewIds.repositoryKey(request.owner(), request.repo())),
          PreviewIds.PULL_REQUEST.valueSet((long) request.number()));
    }
    updateDetails();
  }

  /** What the Web UI shows on the run's page. */
  void updateDetails() {
    StringBuilder details = new StringBuilder();
    details.append("**").append(phase).append("**");
    if (previewUrl != null) {
      details.append(" · ").append(previewUrl);
    }
    if (headSha != null) {
      details.append(" · ").append(FailureText.shortSha(headSha));
    }
    details.append('\n');
    for (StepRecord step : steps) {
      details.append("- ").append(step.name()).append(": ").append(step.state());
      if (step.message() != null) {
        details.append(" (").append(FailureText.clip(step.message())).append(')');
      }
      details.append('\n');
    }
    if (failureReason != null) {
      details.append("Failed at ").append(failedStep).append(": ").append(failureReason);
    }
    Workflow.setCurrentDetails(details.toString());
  }

  String requestId(String stepName) {
    return previewId + "/" + stepName;
  }

  PullRequestRef pullRequestRef() {
    return new PullRequestRef(request.owner(), request.repo(), request.number());
  }

  int number() {
    return request.number();
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
