package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer of the {@code status} query and the workflow's result. Times are ISO-8601 instants.
 * {@code resources} holds a Forge preview's ids and {@code compose} a compose preview's project,
 * port and files; the other is empty. {@code failedStep}/{@code failureReason} and {@code
 * rolledBack} are set after a rollback, with {@code failureLog} (the end of the deployment log)
 * when a deployment failed. {@code lastUpdateFailure} names the newest update that failed while the
 * preview stayed on {@code deployedSha}; a later successful update clears it. {@code names} are the
 * names the preview gave (or will give) its resources, null before its settings are loaded. {@code
 * leftBehind} lists what a teardown or rollback could not delete ({@link Phase#TEARDOWN_FAILED});
 * {@code startAfterTeardown} names who asked for a fresh preview while this one was being torn down
 * (it starts once the teardown is done). {@code queue} is the preview's place while it is {@link
 * Phase#QUEUED} (as its admission coordinator last told it), null otherwise. {@code data} says
 * where the preview's database came from and how old it is (the master snapshot's time, or a live
 * copy's). {@code access} says how the preview is protected ({@code basic auth, user preview}),
 * null when it is open. Fields added later may be null in older results.
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
    UpdateFailure lastUpdateFailure,
    PreviewResourceNames names,
    List<Leftover> leftBehind,
    String startAfterTeardown,
    ComposeResources compose,
    QueueStatus queue,
    DataSource data,
    String access) {

  /**
   * A queued preview's place: {@code position} of {@code length} previews waiting for the same
   * coordinator, and why it waits ("waiting for a slot: 3 of 3 previews of acme/shop run", an open
   * circuit breaker, no free Redis database).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueueStatus(int position, int length, String reason, String coordinatorId) {}

  /** A status without the compose resources and the queue: what runs from before them answered. */
  public PreviewStatus(
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
      UpdateFailure lastUpdateFailure,
      PreviewResourceNames names,
      List<Leftover> leftBehind,
      String startAfterTeardown) {
    this(
        previewId,
        repository,
        pullRequest,
        phase,
        previewUrl,
        branch,
        headSha,
        deployedSha,
        resources,
        steps,
        warnings,
        expiresAt,
        failedStep,
        failureReason,
        rolledBack,
        deployments,
        failureLog,
        lastUpdateFailure,
        names,
        leftBehind,
        startAfterTeardown,
        null,
        null,
        null,
        null);
  }

  /** A Forge status without names and the teardown fields: what runs from before them answered. */
  public PreviewStatus(
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
      UpdateFailure lastUpdateFailure) {
    this(
        previewId,
        repository,
        pullRequest,
        phase,
        previewUrl,
        branch,
        headSha,
        deployedSha,
        resources,
        steps,
        warnings,
        expiresAt,
        failedStep,
        failureReason,
        rolledBack,
        deployments,
        failureLog,
        lastUpdateFailure,
        null,
        List.of(),
        null);
  }
}
