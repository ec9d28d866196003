package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One pipeline or teardown step as the {@code status} query and the PR comment show it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepRecord(
    String name,
    StepState state,
    int attempts,
    String startedAt,
    String finishedAt,
    String message) {

  public enum StepState {
    RUNNING,
    SUCCEEDED,
    WARNING,
    FAILED,
    SKIPPED,
    COMPENSATED
  }
}
