package dev.forgepreview.activities.github;

import dev.forgepreview.workflows.ForgeResources;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.StepRecord.StepState;
import java.util.List;

/** Sample statuses of {@code preview:acme:shop:42}. */
final class Statuses {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String URL = "https://pr-42-shop.preview.example.com";
  static final String EXPIRES = "2030-01-04T12:00:00Z";

  private Statuses() {}

  static PreviewStatus building() {
    return status(
        Phase.DEPLOYING,
        List.of(
            step("create site", StepState.SUCCEEDED, "site 7"),
            step("clone database", StepState.WARNING, "mysqldump exited 2"),
            step("deploy", StepState.RUNNING, null)),
        null,
        null,
        List.of());
  }

  static PreviewStatus ready() {
    return status(
        Phase.READY, List.of(step("deploy", StepState.SUCCEEDED, null)), null, null, List.of());
  }

  static PreviewStatus failed() {
    return status(
        Phase.FAILED,
        List.of(
            step("create database", StepState.COMPENSATED, null),
            step("deploy", StepState.FAILED, "composer install failed")),
        "deploy",
        "Deployment failed: composer install exited 1",
        List.of("delete database pr_42", "delete site pr-42-shop.preview.example.com"));
  }

  static PreviewStatus of(Phase phase) {
    return status(phase, List.of(), null, null, List.of());
  }

  static PreviewStatus status(
      Phase phase,
      List<StepRecord> steps,
      String failedStep,
      String failureReason,
      List<String> rolledBack) {
    return new PreviewStatus(
        "preview:acme:shop:42",
        "acme/shop",
        42,
        phase,
        URL,
        "feature/login",
        SHA,
        phase == Phase.READY ? SHA : null,
        ForgeResources.none(),
        steps,
        List.of(),
        EXPIRES,
        failedStep,
        failureReason,
        rolledBack,
        1,
        null,
        null);
  }

  static StepRecord step(String name, StepState state, String message) {
    return new StepRecord(name, state, 1, "2030-01-01T12:00:00Z", null, message);
  }

  /** Queued at {@code position} of {@code length}. */
  static PreviewStatus queued(int position, int length, String reason) {
    PreviewStatus s = of(Phase.QUEUED);
    return new PreviewStatus(
        s.previewId(),
        s.repository(),
        s.pullRequest(),
        Phase.QUEUED,
        null,
        s.branch(),
        s.headSha(),
        null,
        s.resources(),
        s.steps(),
        s.warnings(),
        s.expiresAt(),
        null,
        null,
        List.of(),
        0,
        null,
        null,
        null,
        List.of(),
        null,
        null,
        new PreviewStatus.QueueStatus(position, length, reason, "admission:acme:shop"),
        null,
        null);
  }
}
