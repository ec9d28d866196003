package dev.forgepreview.activities.forge;

/**
 * Root of every failure of a Forge API call. Unchecked; the subclass says what went wrong. The
 * message names the method, the path template (e.g. {@code servers/{server}/sites}) and the status,
 * and never carries the token, a password or a request body.
 */
public abstract sealed class ForgeException extends RuntimeException
    permits ForgeAuthenticationException,
        ForgeNotFoundException,
        ForgeValidationException,
        ForgeRateLimitedException,
        ForgeActionFailedException,
        ForgeServerException,
        ForgeTransportException,
        ForgeResponseException {

  private final String method;
  private final String pathTemplate;
  private final int status;

  ForgeException(String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(describe(method, pathTemplate, status, detail), cause);
    this.method = method;
    this.pathTemplate = pathTemplate;
    this.status = status;
  }

  private static String describe(String method, String pathTemplate, int status, String detail) {
    StringBuilder text =
        new StringBuilder("Forge ").append(method).append(' ').append(pathTemplate);
    if (status > 0) {
      text.append(" answered ").append(status);
    }
    if (detail != null && !detail.isBlank()) {
      text.append(": ").append(detail);
    }
    return text.toString();
  }

  public String method() {
    return method;
  }

  /** The path with placeholders instead of ids, e.g. {@code servers/{server}/sites/{site}}. */
  public String pathTemplate() {
    return pathTemplate;
  }

  /** The HTTP status, or 0 when no answer was received. */
  public int status() {
    return status;
  }
}
