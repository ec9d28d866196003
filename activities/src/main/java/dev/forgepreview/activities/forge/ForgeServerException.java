package dev.forgepreview.activities.forge;

/** 5xx: Forge failed or is in maintenance; worth a retry. */
public final class ForgeServerException extends ForgeException {
  ForgeServerException(
      String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(method, pathTemplate, status, detail, cause);
  }
}
