package dev.forgepreview.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed fields from a {@link RequestBody} and collects Laravel-style validation messages;
 * {@link #check()} throws the 422 with every message at once.
 */
final class Validator {

  private static final Set<String> TRUE = Set.of("1", "true", "on", "yes");
  private static final Set<String> FALSE = Set.of("0", "false", "off", "no");

  private final RequestBody body;
  private final Map<String, List<String>> errors = new LinkedHashMap<>();

  Validator(RequestBody body) {
    this.body = body;
  }

  static String label(String field) {
    return field.replace('_', ' ');
  }

  void reject(String field, String message) {
    errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
  }

  boolean hasError(String field) {
    return errors.containsKey(field);
  }

  /** Throws the 422 when any message was collected. */
  void check() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }

  boolean present(String field) {
    JsonNode node = body.get(field);
    return node != null && !(node.isTextual() && node.asText().isBlank());
  }

  /** A non-blank string; an empty string counts as missing (Laravel converts it to null). */
  String requiredString(String field) {
    String value = optionalString(field, null);
    if (value == null) {
      reject(field, "The " + label(field) + " field is required.");
    }
    return value;
  }

  String optionalString(String field, String fallback) {
    JsonNode node = body.get(field);
    if (node == null) {
      return fallback;
    }
    if (!node.isValueNode()) {
      reject(field, "The " + label(field) + " field must be a string.");
      return fallback;
    }
    String text = node.asText().trim();
    return text.isEmpty() ? fallback : text;
  }

  /** Accepts JSON booleans, 0/1 and the strings {@code 1 0 true false on off yes no}. */
  boolean bool(String field, boolean fallback) {
    JsonNode node = body.get(field);
    if (node == null) {
      return fallback;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = node.asText().trim().toLowerCase(Locale.ROOT);
    if (text.isEmpty()) {
      return fallback;
    }
    if (TRUE.contains(text)) {
      return true;
    }
    if (FALSE.contains(text)) {
      return false;
    }
    reject(field, "The " + label(field) + " field must be true or false.");
    return fallback;
  }

  Integer integer(String field, Integer fallback) {
    JsonNode node = body.get(field);
    if (node == null) {
      return fallback;
    }
    if (node.isIntegralNumber()) {
      return node.intValue();
    }
    String text = node.asText().trim();
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      reject(field, "The " + label(field) + " field must be an integer.");
      return fallback;
    }
  }

  /** A list of strings from a JSON array, a form array, or a single (comma-free) value. */
  List<String> stringList(String field) {
    JsonNode node = body.get(field);
    List<String> values = new ArrayList<>();
    if (node == null) {
      return values;
    }
    if (node.isArray() || node.isObject()) {
      for (JsonNode element : node) {
        if (!element.isNull() && !element.asText().isBlank()) {
          values.add(element.asText().trim());
        }
      }
    } else if (!node.asText().isBlank()) {
      values.add(node.asText().trim());
    }
    return values;
  }

  /** A list of ids; anything that is not an integer is a 422. */
  List<Long> idList(String field) {
    List<Long> ids = new ArrayList<>();
    for (String value : stringList(field)) {
      try {
        ids.add(Long.parseLong(value));
      } catch (NumberFormatException e) {
        reject(field, "The " + label(field) + " field must be an array of integers.");
        return List.of();
      }
    }
    return ids;
  }

  JsonNode raw(String field) {
    return body.get(field);
  }
}
