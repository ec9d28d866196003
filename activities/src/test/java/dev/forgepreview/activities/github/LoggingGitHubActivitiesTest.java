package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.GitHubActivities.PublishStatusRequest;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingGitHubActivitiesTest {
  private final LoggingGitHubActivities activities = new LoggingGitHubActivities();

  @Test
  void logsWhatItWouldPostClearlyLabelled() {
    Logger logger = (Logger) LoggerFactory.getLogger(LoggingGitHubActivities.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      activities.publishStatus(
          new PublishStatusRequest(new PullRequestRef("acme", "shop", 42), Statuses.ready()));
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(appender.list)
        .singleElement()
        .extracting(ILoggingEvent::getFormattedMessage)
        .asString()
        .startsWith("[dev mode, GitHub not configured]")
        .contains("preview/pr-42")
        .contains("success")
        .contains("<!-- forge-preview:preview:acme:shop:42 -->")
        .contains(Statuses.URL);
  }

  @Test
  void cannotResolveAPullRequestWithoutGitHub() {
    assertThatThrownBy(() -> activities.resolvePullRequest(new PullRequestRef("acme", "shop", 42)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureType.NOT_FOUND.name());
              assertThat(f.isNonRetryable()).isTrue();
            });
  }
}
