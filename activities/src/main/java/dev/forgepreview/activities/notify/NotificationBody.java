package dev.forgepreview.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.PreviewSettings.NotificationFormat;
import dev.forgepreview.workflows.activities.NotificationActivities.PreviewNotification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies a notification is sent as. {@link NotificationFormat#JSON}: one object with every
 * field (null where it does not apply) and a one-line {@code text}; {@link
 * NotificationFormat#SLACK}: Slack's incoming-webhook {@code {"text": "..."}}.
 */
final class NotificationBody {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NotificationBody() {}

  static String render(PreviewNotification n) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (n.format() == NotificationFormat.SLACK) {
      body.put("text", slackEscape(text(n)));
    } else {
      body.put("event", n.event());
      body.put("repository", n.repository());
      body.put("pullRequest", n.pullRequest());
      body.put("previewId", n.previewId());
      body.put("phase", n.phase() == null ? null : n.phase().name());
      body.put("url", n.previewUrl());
      body.put("sha", n.sha());
      body.put("branch", n.branch());
      body.put("failedStep", n.failedStep());
      body.put("failure", n.failure());
      body.put("leftBehind", n.leftBehind() == null ? List.of() : n.leftBehind());
      body.put("timestamp", n.at());
      body.put("text", text(n));
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification", e);
    }
  }

  /** One line for a person: which preview, what happened, where to look. */
  static String text(PreviewNotification n) {
    String preview = "Preview of " + n.repository() + "#" + n.pullRequest();
    String commit = n.sha() == null ? "" : " (commit " + shortSha(n.sha()) + ")";
    String event = n.event() == null ? "" : n.event();
    return switch (event) {
      case "ready" -> preview + " is ready: " + n.previewUrl() + commit;
      case "failed" ->
          preview
              + " failed"
              + (n.failedStep() == null ? "" : " at " + n.failedStep())
              + (n.failure() == null ? "" : ": " + n.failure())
              + commit
              + "; it was rolled back";
      case "teardown_failed" ->
          preview
              + ": the teardown gave up and left "
              + (n.leftBehind() == null || n.leftBehind().isEmpty()
                  ? "resources"
                  : String.join(", ", n.leftBehind()))
              + " behind (the cleanup schedule deletes them)";
      case "destroyed" -> preview + " was destroyed";
      default -> preview + ": " + event;
    };
  }

  private static String shortSha(String sha) {
    return sha.length() > 7 ? sha.substring(0, 7) : sha;
  }

  /** Slack reads {@code & < >} as markup: they are escaped as its documentation asks. */
  private static String slackEscape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
