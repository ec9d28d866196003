package dev.forgepreview.activities.forge;

import dev.forgepreview.workflows.activities.ForgeActivities.PreviewFileEnvironment;
import java.util.Map;

/**
 * The {@code environment:} values of a repository's preview file at one commit, for the keys the
 * reference names; read inside the activity that writes the environment, so they never travel
 * through workflow history. Fails with an {@code ApplicationFailure} of our failure types.
 */
@FunctionalInterface
public interface PreviewFileValues {
  Map<String, String> environment(PreviewFileEnvironment reference);

  /** A worker without GitHub access: any reference fails. */
  PreviewFileValues NONE =
      reference -> {
        throw ForgeFailures.of(
            dev.forgepreview.workflows.FailureType.INVALID_INPUT,
            "this worker has no GitHub access to read " + reference.path());
      };
}
