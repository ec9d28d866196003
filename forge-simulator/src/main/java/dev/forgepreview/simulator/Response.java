package dev.forgepreview.simulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer about to be written: status, content type, body and extra headers. */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=UTF-8";

  Response {
    headers = new LinkedHashMap<>(headers);
  }

  static Response json(int status, Object value) {
    return new Response(status, JSON, Json.write(value), Map.of());
  }

  static Response json(Object value) {
    return json(200, value);
  }

  static Response text(int status, String text) {
    return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Response text(String text) {
    return text(200, text);
  }

  /** 200 with an empty body, as Forge answers most deletes and updates of text resources. */
  static Response ok() {
    return new Response(200, null, new byte[0], Map.of());
  }

  static Response message(int status, String message) {
    return json(status, Map.of("message", message));
  }

  Response withHeaders(Map<String, String> extra) {
    Map<String, String> merged = new LinkedHashMap<>(headers);
    merged.putAll(extra);
    return new Response(status, contentType, body, merged);
  }
}
