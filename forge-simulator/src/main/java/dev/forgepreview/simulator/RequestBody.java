package dev.forgepreview.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request body as a JSON object, whether it came as JSON or as {@code
 * application/x-www-form-urlencoded} (the Forge PHP SDK sends most bodies as form parameters, with
 * arrays as {@code domains[0]=a} and nested objects as {@code dns_provider[type]=x}).
 */
final class RequestBody {

  private final ObjectNode fields;

  private RequestBody(ObjectNode fields) {
    this.fields = fields;
  }

  static RequestBody empty() {
    return new RequestBody(JsonNodeFactory.instance.objectNode());
  }

  /** Parses {@code raw}; malformed JSON is a 400 as Laravel's JSON body parsing gives. */
  static RequestBody parse(String contentType, byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return empty();
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    boolean form = type.contains("x-www-form-urlencoded");
    boolean json = type.contains("json") || (!form && text.stripLeading().startsWith("{"));
    return json ? parseJson(text) : parseForm(text);
  }

  private static RequestBody parseJson(String text) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ApiException(Response.message(400, "The request body is not valid JSON."));
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return empty();
    }
    if (!node.isObject()) {
      throw new ApiException(Response.message(400, "The request body must be a JSON object."));
    }
    return new RequestBody((ObjectNode) node);
  }

  private static RequestBody parseForm(String text) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      put(root, key, value);
    }
    return new RequestBody(root);
  }

  private static void put(ObjectNode root, String key, String value) {
    int open = key.indexOf('[');
    int close = key.indexOf(']', open + 1);
    if (open <= 0 || close < 0) {
      root.put(key, value);
      return;
    }
    String name = key.substring(0, open);
    String index = key.substring(open + 1, close);
    if (index.isEmpty() || index.chars().allMatch(Character::isDigit)) {
      JsonNode existing = root.get(name);
      ArrayNode array = existing instanceof ArrayNode a ? a : root.putArray(name);
      array.add(value);
    } else {
      JsonNode existing = root.get(name);
      ObjectNode object = existing instanceof ObjectNode o ? o : root.putObject(name);
      object.put(index, value);
    }
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** The value of {@code field}, or null when absent or JSON null. */
  JsonNode get(String field) {
    JsonNode node = fields.get(field);
    return node == null || node.isNull() ? null : node;
  }

  boolean has(String field) {
    return get(field) != null;
  }
}
