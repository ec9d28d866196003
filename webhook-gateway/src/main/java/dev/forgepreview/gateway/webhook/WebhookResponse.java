package dev.forgepreview.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonValue;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.util.Locale;

/**
 * The body of every accepted delivery: {@code {"workflowId": ..., "action":
 * "started|accepted|signalled|ignored", "reason": ...}}. {@code started}: a new run was started;
 * {@code accepted}: a start reached a run that was already there, and the reason says what happens
 * next. {@code workflowId} is null when no pull request is concerned (a ping, an unhandled event).
 */
@Introspected
public record WebhookResponse(@Nullable String workflowId, Action action, String reason) {

  public enum Action {
    STARTED,
    ACCEPTED,
    SIGNALLED,
    IGNORED;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static WebhookResponse ignored(@Nullable String workflowId, String reason) {
    return new WebhookResponse(workflowId, Action.IGNORED, reason);
  }
}
