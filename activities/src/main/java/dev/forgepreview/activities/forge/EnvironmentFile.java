package dev.forgepreview.activities.forge;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a {@code .env} file as Laravel's phpdotenv reads it: one {@code KEY=value} line per
 * variable, sorted by key; a value with anything but {@code [A-Za-z0-9_./:@,+-]} is double-quoted
 * with {@code \ " $} and line breaks escaped. {@code ${env:NAME}} anywhere in a value is replaced
 * by the worker's environment variable {@code NAME}.
 */
public final class EnvironmentFile {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@,+-]*");
  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  /** A variable that cannot be written; the message names keys, never values. */
  public static final class InvalidEnvironmentException extends IllegalArgumentException {
    InvalidEnvironmentException(String message) {
      super(message);
    }
  }

  private EnvironmentFile() {}

  static String render(Map<String, String> variables, Function<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    StringBuilder file = new StringBuilder();
    for (Map.Entry<String, String> variable : new TreeMap<>(variables).entrySet()) {
      String key = variable.getKey();
      if (key == null || !KEY.matcher(key).matches()) {
        throw new InvalidEnvironmentException(
            "invalid environment variable name: " + printable(key));
      }
      String value =
          resolve(key, variable.getValue() == null ? "" : variable.getValue(), environment);
      file.append(key).append('=').append(quote(value)).append('\n');
    }
    return file.toString();
  }

  /**
   * The variables with every {@code ${env:NAME}} replaced, for the compose backend (which writes
   * them to the host itself). Fails with {@link InvalidEnvironmentException} naming the key.
   */
  public static Map<String, String> resolveReferences(
      Map<String, String> variables, Function<String, String> environment) {
    Map<String, String> resolved = new java.util.LinkedHashMap<>();
    variables.forEach(
        (key, value) -> resolved.put(key, resolve(key, value == null ? "" : value, environment)));
    return resolved;
  }

  static boolean isValidKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  private static String resolve(String key, String value, Function<String, String> environment) {
    Matcher reference = ENV_REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (reference.find()) {
      String name = reference.group(1);
      String found = environment.apply(name);
      if (found == null) {
        throw new InvalidEnvironmentException(
            key + " refers to the environment variable " + name + ", which is not set");
      }
      reference.appendReplacement(resolved, Matcher.quoteReplacement(found));
    }
    reference.appendTail(resolved);
    return resolved.toString();
  }

  static String quote(String value) {
    if (BARE.matcher(value).matches()) {
      return value;
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> quoted.append("\\\\");
        case '"' -> quoted.append("\\\"");
        case '$' -> quoted.append("\\$");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  private static String printable(String key) {
    if (key == null) {
      return "null";
    }
    String shown = key.length() > 40 ? key.substring(0, 40) + "…" : key;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
