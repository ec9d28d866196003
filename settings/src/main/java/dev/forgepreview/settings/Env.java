package dev.forgepreview.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Environment variables, 12-factor style. A secret {@code NAME} may instead be given as a file in
 * {@code NAME_FILE} (read by {@link SecretFiles}); the file wins. Error messages name the variable,
 * never its value.
 */
public final class Env {
  private final Map<String, String> variables;

  public Env(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** The process's environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  public Map<String, String> asMap() {
    return variables;
  }

  public Optional<String> get(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String get(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  public String required(String name) {
    return get(name).orElseThrow(() -> new ConfigurationException(name + " is not set"));
  }

  /** {@code NAME_FILE}'s content by {@link SecretFiles}'s rule, else {@code NAME}. */
  public Optional<String> secret(String name) {
    Optional<String> file = get(name + "_FILE");
    if (file.isPresent()) {
      return Optional.of(SecretFiles.read(Path.of(file.get()), name + "_FILE"));
    }
    return Optional.ofNullable(variables.get(name)).filter(v -> !v.isBlank());
  }

  public Duration duration(String name, Duration fallback) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Duration.parse(value.get());
    } catch (DateTimeParseException e) {
      throw new ConfigurationException(name + " is not an ISO-8601 duration like PT1H");
    }
  }

  public int integer(String name, int fallback) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + " is not a whole number");
    }
  }

  public boolean flag(String name, boolean fallback) {
    return get(name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(fallback);
  }
}
