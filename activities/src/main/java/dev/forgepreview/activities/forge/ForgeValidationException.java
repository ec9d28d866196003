package dev.forgepreview.activities.forge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** 422: Forge refused the request's data; {@link #errors()} maps each field to its messages. */
public final class ForgeValidationException extends ForgeException {
  private final Map<String, List<String>> errors;

  ForgeValidationException(
      String method, String pathTemplate, int status, Map<String, List<String>> errors) {
    super(method, pathTemplate, status, summary(errors), null);
    this.errors = Map.copyOf(errors);
  }

  /** Field name to Forge's messages for it, e.g. {@code domain → [The domain has already...]}. */
  public Map<String, List<String>> errors() {
    return errors;
  }

  /** Whether Forge says a unique value (a domain, a name) is already used. */
  public boolean isAlreadyTaken() {
    return errors.values().stream()
        .flatMap(List::stream)
        .anyMatch(m -> m.toLowerCase(Locale.ROOT).contains("already been taken"));
  }

  private static String summary(Map<String, List<String>> errors) {
    return errors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + ": " + String.join(" ", e.getValue()))
        .collect(Collectors.joining("; "));
  }
}
