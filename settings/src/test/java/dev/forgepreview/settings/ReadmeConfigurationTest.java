package dev.forgepreview.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table of repository keys is checked against the built-in defaults the loader uses
 * ({@code repository-defaults.yaml}), both ways: every documented default is the real one, every
 * key the loader knows is documented, and no documented key is unknown to it.
 */
class ReadmeConfigurationTest {
  private static final Path README = Path.of("..", "README.md");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern DEFAULT_ITEM = Pattern.compile("`[^`]*`|[^,]+");

  @Test
  void theRepositoriesTableStatesTheBuiltInDefaults() throws IOException {
    Map<String, String> documented = documentedDefaults();
    JsonNode builtIn = RepositorySettings.builtInTree();
    List<String> problems = new ArrayList<>();

    documented.forEach(
        (key, readme) -> {
          JsonNode actual = at(builtIn, key);
          if (actual.isMissingNode()) {
            problems.add(key + " is in the README but not a key of the repositories file");
            return;
          }
          if (readme.startsWith("`")) {
            JsonNode stated = yaml(readme.substring(1, readme.length() - 1));
            if (!stated.equals(actual)) {
              problems.add(key + ": README says " + readme + ", the loader's default is " + actual);
            }
          } else if (!actual.isNull()) {
            problems.add(
                key + ": README gives no default (" + readme + "), the loader has " + actual);
          }
        });
    for (String leaf : leaves("", builtIn)) {
      boolean covered =
          documented.keySet().stream()
              .anyMatch(key -> leaf.equals(key) || leaf.startsWith(key + "."));
      if (!covered) {
        problems.add(leaf + " has a built-in default but no row in the README");
      }
    }
    assertThat(problems).isEmpty();
    assertThat(documented).containsEntry("maxConcurrentPreviews", "`10`");
  }

  /** Key (dotted) to its default cell item, from the table under "### The repositories file". */
  private static Map<String, String> documentedDefaults() throws IOException {
    String readme = Files.readString(README);
    String section = readme.substring(readme.indexOf("### The repositories file"));
    section = section.substring(section.indexOf("| key | default | meaning |"));
    Map<String, String> defaults = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.split(" \\| ");
      if (line.startsWith("| key ") || line.startsWith("|---")) {
        continue;
      }
      List<String> keys = new ArrayList<>();
      Matcher names = CODE.matcher(cells[0]);
      while (names.find()) {
        String name = names.group(1);
        keys.add(
            name.startsWith(".") && !keys.isEmpty()
                ? keys.get(0).substring(0, keys.get(0).lastIndexOf('.')) + name
                : name);
      }
      List<String> items = new ArrayList<>();
      Matcher item = DEFAULT_ITEM.matcher(cells[1]);
      while (item.find()) {
        if (!item.group().isBlank()) {
          items.add(item.group().trim());
        }
      }
      assertThat(items).as("one default per key in the row %s", line).hasSameSizeAs(keys);
      for (int i = 0; i < keys.size(); i++) {
        defaults.put(keys.get(i), items.get(i));
      }
    }
    return defaults;
  }

  private static JsonNode at(JsonNode root, String dotted) {
    JsonNode node = root;
    for (String part : dotted.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  private static List<String> leaves(String prefix, JsonNode node) {
    List<String> leaves = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isObject() && !field.getValue().isEmpty()) {
        leaves.addAll(leaves(prefix + field.getKey() + ".", field.getValue()));
      } else {
        leaves.add(prefix + field.getKey());
      }
    }
    return leaves;
  }

  private static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not YAML: " + text, e);
    }
  }
}
