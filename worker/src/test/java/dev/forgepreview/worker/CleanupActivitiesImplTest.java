package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Test;

class CleanupActivitiesImplTest {

  @Test
  void aServerWithoutVisibilityFailsTheCleanupInsteadOfReportingNoPreviews() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.start();
      CleanupActivitiesImpl activities = new CleanupActivitiesImpl(env.getWorkflowClient());

      // "No open previews" would make every live preview's resources look orphaned.
      assertThatThrownBy(activities::listOpenPreviews)
          .isInstanceOf(ApplicationFailure.class)
          .hasMessageContaining("cannot list workflows")
          .matches(e -> ((ApplicationFailure) e).isNonRetryable());
    }
  }
}
