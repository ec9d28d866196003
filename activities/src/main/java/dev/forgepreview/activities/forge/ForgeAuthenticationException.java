package dev.forgepreview.activities.forge;

/** 401 or 403: the token is missing, wrong or lacks the permission. */
public final class ForgeAuthenticationException extends ForgeException {
  ForgeAuthenticationException(
      String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(method, pathTemplate, status, detail, cause);
  }
}
