package dev.forgepreview.settings;

/**
 * A configuration mistake, with a message that says which file, line and key, or which variable,
 * and why. Never carries a secret's value.
 */
public final class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }
}
