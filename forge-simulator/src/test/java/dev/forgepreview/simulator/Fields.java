package dev.forgepreview.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Field names of a JSON object, for completeness assertions. */
final class Fields {

  private Fields() {}

  static List<String> of(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
