package dev.forgepreview.activities.forge;

/** No usable answer arrived: connection refused or dropped, a timeout. */
public final class ForgeTransportException extends ForgeException {
  ForgeTransportException(
      String method, String pathTemplate, int status, String detail, Throwable cause) {
    super(method, pathTemplate, status, detail, cause);
  }
}
