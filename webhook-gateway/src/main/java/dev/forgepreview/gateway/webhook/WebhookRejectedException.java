package dev.forgepreview.gateway.webhook;

import io.micronaut.http.HttpStatus;

/**
 * A delivery refused with a 4xx. The message is written for the sender and ends up in the response,
 * so it never carries anything internal.
 */
public final class WebhookRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final HttpStatus status;

  public WebhookRejectedException(HttpStatus status, String publicMessage) {
    super(publicMessage, null, false, false);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
