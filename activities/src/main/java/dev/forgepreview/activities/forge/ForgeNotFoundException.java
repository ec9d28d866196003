package dev.forgepreview.activities.forge;

/** 404: the resource does not exist (any more). */
public final class ForgeNotFoundException extends ForgeException {
  ForgeNotFoundException(
      String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(method, pathTemplate, status, detail, cause);
  }
}
