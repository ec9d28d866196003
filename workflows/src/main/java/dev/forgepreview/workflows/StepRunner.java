package dev.forgepreview.workflows;

import dev.forgepreview.workflows.StepRecord.StepState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import java.util.function.Supplier;

/** Runs steps and records them: a critical failure stops the pipeline, another one warns. */
final class StepRunner {
  private static final String WARNING_PREFIX = "\u0000warning:";
  private final PreviewState state;

  StepRunner(PreviewState state) {
    this.state = state;
  }

  /** A critical step: records it, and turns a failure into {@link StepFailed}. */
  <T> T critical(String name, Supplier<T> action) {
    int index = state.steps.size();
    String started = PreviewState.now();
    state.steps.add(new StepRecord(name, StepState.RUNNING, 1, started, null, null));
    state.updateDetails();
    try {
      T result = action.get();
      state.steps.set(
          index, new StepRecord(name, StepState.SUCCEEDED, 1, started, PreviewState.now(), null));
      return result;
    } catch (ActivityFailure | CanceledFailure e) {
      String reason =
          FailureText.isCancelled(e) ? "cancelled: destroy requested" : FailureText.reason(e);
      state.steps.set(
          index, new StepRecord(name, StepState.FAILED, 1, started, PreviewState.now(), reason));
      throw new StepFailed(name, reason, FailureText.deploymentLog(e));
    } finally {
      state.updateDetails();
    }
  }

  /**
   * A non-critical step: a failure becomes a warning and the pipeline goes on. The action returns a
   * message for the record, or {@link #warning} for a result that deserves one.
   */
  void optional(String name, Supplier<String> action) {
    int index = state.steps.size();
    String started = PreviewState.now();
    state.steps.add(new StepRecord(name, StepState.RUNNING, 1, started, null, null));
    try {
      String message = action.get();
      boolean warned = message != null && message.startsWith(WARNING_PREFIX);
      state.steps.set(
          index,
          new StepRecord(
              name,
              warned ? StepState.WARNING : StepState.SUCCEEDED,
              1,
              started,
              PreviewState.now(),
              warned ? message.substring(WARNING_PREFIX.length()) : message));
    } catch (ActivityFailure e) {
      if (FailureText.isCancelled(e) || CancellationScope.current().isCancelRequested()) {
        throw cancelled(index, name, started);
      }
      String reason = FailureText.reason(e);
      state.steps.set(
          index, new StepRecord(name, StepState.WARNING, 1, started, PreviewState.now(), reason));
      state.warnings.add(name + ": " + reason);
    } catch (CanceledFailure e) {
      throw cancelled(index, name, started);
    }
  }

  private StepFailed cancelled(int index, String name, String started) {
    state.steps.set(
        index, new StepRecord(name, StepState.FAILED, 1, started, PreviewState.now(), "cancelled"));
    return new StepFailed(name, "cancelled: destroy requested", null);
  }

  /** Records a warning and marks the step's message as one. */
  String warning(String stepName, String message) {
    String text = message == null ? "no detail" : FailureText.clip(message);
    state.warnings.add(stepName + ": " + text);
    return WARNING_PREFIX + text;
  }

  void skipped(String name, String why) {
    String at = PreviewState.now();
    state.steps.add(new StepRecord(name, StepState.SKIPPED, 0, at, at, why));
  }

  /**
   * A critical step failed (or was cancelled by {@code destroy}); {@code log} is the end of the
   * deployment log when a deployment failed, else null.
   */
  static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String step;
    private final String log;

    StepFailed(String step, String reason, String log) {
      super(reason, null, false, false);
      this.step = step;
      this.log = log;
    }

    String step() {
      return step;
    }

    String log() {
      return log;
    }
  }
}
