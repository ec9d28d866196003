package dev.forgepreview.workflows;

import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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

  /** Derived once when the settings are loaded, then carried: never recomputed. */
  PreviewResourceNames names;

  /** The compose backend's resources; null for a Forge preview. */
  ComposeResources compose;

  final List<StepRecord> steps = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final List<String> rolledBack = new ArrayList<>();

  /** What a teardown or rollback could not delete within its rounds. */
  final List<Leftover> leftBehind = new ArrayList<>();

  /**
   * How the preview is protected ({@code basic auth, user preview}), null when it is open; set once
   * the site's security rule exists.
   */
  String access;

  /**
   * The app's port on the compose host as the admission coordinator granted it (its {@code port}
   * pool); null for a Forge preview and for runs that take {@code portBase + number % portCount}.
   * Once the pipeline ran, {@link #compose} carries it.
   */
  Integer grantedPort;

  /** Who asked for a fresh preview while this one was ending; it starts once this run is done. */
  String startAfterTeardown;

  /** Where the preview's database came from and how old it is; null before the clone. */
  DataSource data;

  String failedStep;
  String failureReason;

  /** The end of the deployment log of the failure that stopped the pipeline. */
  String failureLog;

  UpdateFailure lastUpdateFailure;

  /** The place in the admission queue, as the coordinator last told it (while QUEUED). */
  PreviewStatus.QueueStatus queue;

  long expiresAtMillis;
  int deployments;
  int deploymentsThisRun;

  /** Deployments started in this run, failed ones included: numbers the deploy steps. */
  int deployAttempts;

  /** The preview file read for the commit being deployed; null: not read (not enabled). */
  dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent previewFile;

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
        deployments,
        failureLog,
        lastUpdateFailure,
        names,
        List.copyOf(leftBehind),
        startAfterTeardown,
        compose,
        phase == Phase.QUEUED ? queue : null,
        data,
        access);
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

  /**
   * What the Web UI shows as the run's "Current Details": markdown, one paragraph per fact (the UI
   * runs lines without a blank line between them into one paragraph), then the steps as a list.
   */
  void updateDetails() {
    StringBuilder details = new StringBuilder();
    details.append("**").append(phase).append("**");
    if (request != null) {
      details
          .append(" · ")
          .append(PreviewIds.repositoryKey(request.owner(), request.repo()))
          .append('#')
          .append(request.number());
    }
    details.append("\n\n");
    if (phase == Phase.QUEUED && queue != null) {
      details
          .append("Queued: position ")
          .append(queue.position())
          .append(" of ")
          .append(queue.length())
          .append(" (")
          .append(FailureText.clip(queue.reason()))
          .append(")\n\n");
    }
    if (previewUrl != null) {
      details.append("URL: ").append(previewUrl).append("\n\n");
    }
    if (headSha != null) {
      details.append("Commit: `").append(FailureText.shortSha(headSha)).append('`');
      if (deployedSha != null && !deployedSha.equals(headSha)) {
        details.append(" (Forge deployed `").append(FailureText.shortSha(deployedSha)).append("`)");
      }
      details.append("\n\n");
    }
    if (data != null && data.takenAt() != null) {
      details
          .append("Data: ")
          .append(
              data.kind() == DataSource.Kind.SNAPSHOT
                  ? "master snapshot `" + data.database() + "` of "
                  : "live copy of the master, ")
          .append(minutes(Instant.parse(data.takenAt()).toEpochMilli()))
          .append("\n\n");
    }
    if (expiresAtMillis != 0) {
      details.append("Expires: ").append(minutes(expiresAtMillis)).append("\n\n");
    }
    if (failureReason != null) {
      details
          .append("**Failed at ")
          .append(failedStep)
          .append("**: ")
          .append(FailureText.clip(failureReason))
          .append("\n\n");
      logBlock(details, failureLog);
    }
    if (lastUpdateFailure != null) {
      details
          .append("**Update to ")
          .append(FailureText.shortSha(lastUpdateFailure.sha()))
          .append(" failed at ")
          .append(lastUpdateFailure.step())
          .append("**: ")
          .append(FailureText.clip(lastUpdateFailure.reason()))
          .append("\n\n");
      logBlock(details, lastUpdateFailure.log());
    }
    for (Leftover left : leftBehind) {
      details
          .append("Left behind: ")
          .append(left.resource())
          .append(' ')
          .append(left.name())
          .append(" (")
          .append(FailureText.clip(left.lastError()))
          .append(")\n\n");
    }
    if (startAfterTeardown != null) {
      details
          .append("A fresh preview starts once this teardown is done (asked by ")
          .append(startAfterTeardown)
          .append(")\n\n");
    }
    if (!rolledBack.isEmpty()) {
      details.append("Rolled back: ").append(String.join(", ", rolledBack)).append("\n\n");
    }
    if (!steps.isEmpty()) {
      details.append("Steps:\n\n");
      for (StepRecord step : steps) {
        details.append("- ").append(step.name()).append(": ").append(step.state());
        if (step.message() != null) {
          details
              .append(" (")
              .append(FailureText.clip(step.message()).replace('\n', ' '))
              .append(')');
        }
        details.append('\n');
      }
    }
    Workflow.setCurrentDetails(details.toString());
  }

  /**
   * The log's end as a Markdown code block (its own paragraph) whose fence no backtick run in the
   * log can close.
   */
  private static void logBlock(StringBuilder details, String log) {
    if (log == null || log.isBlank()) {
      return;
    }
    int longest = 0;
    int run = 0;
    for (int i = 0; i < log.length(); i++) {
      run = log.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    details.append(fence).append('\n').append(log).append('\n').append(fence).append("\n\n");
  }

  /**
   * {@code 2026-12-01 06:20 UTC}: how the Web UI and the TTL timer's summary show times. Built by
   * hand: a {@code DateTimeFormatter}'s first use loads locale data, slow enough on a busy worker
   * to trip the SDK's deadlock detector inside a workflow task.
   */
  static String minutes(long epochMillis) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0, ZoneOffset.UTC);
    return t.getYear()
        + "-"
        + two(t.getMonthValue())
        + "-"
        + two(t.getDayOfMonth())
        + " "
        + two(t.getHour())
        + ":"
        + two(t.getMinute())
        + " UTC";
  }

  private static String two(int value) {
    return value < 10 ? "0" + value : Integer.toString(value);
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
