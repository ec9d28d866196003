package dev.forgepreview.activities.forge;

/**
 * An answer we cannot read: invalid JSON, a missing wrapper key, wrong types, an unexpected status.
 */
public final class ForgeResponseException extends ForgeException {
  ForgeResponseException(
      String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(method, pathTemplate, status, detail, cause);
  }
}
