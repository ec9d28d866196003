package dev.forgepreview.gateway.webhook;

/** Temporal could not be reached or refused a call; answered with 503 so GitHub shows a failure. */
public final class PreviewServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PreviewServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
