package dev.forgepreview.activities.forge;

/** 400: the data was valid but Forge refused the action; {@link #forgeMessage()} says why. */
public final class ForgeActionFailedException extends ForgeException {
  private final String forgeMessage;

  ForgeActionFailedException(String method, String pathTemplate, int status, String forgeMessage) {
    super(method, pathTemplate, status, forgeMessage, null);
    this.forgeMessage = forgeMessage == null ? "" : forgeMessage;
  }

  /** Forge's {@code message}, or empty. */
  public String forgeMessage() {
    return forgeMessage;
  }
}
