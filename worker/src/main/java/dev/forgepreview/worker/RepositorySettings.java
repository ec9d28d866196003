package dev.forgepreview.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.forgepreview.workflows.PreviewSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The per-repository YAML file ({@code FORGE_PREVIEW_REPOSITORIES_FILE}): built-in defaults, then
 * the file's {@code defaults:} block, then each entry of {@code repositories:}. Every repository is
 * validated when the file is loaded, so a mistake stops the worker at start, not a preview later.
 */
public final class RepositorySettings {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .configure(DeserializationFeature.READ_ENUMS_USING_TO_STRING, false)
          .configure(
              com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Z_][A-Z0-9_]*");

  private final Map<String, PreviewSettings> byRepository;

  private RepositorySettings(Map<String, PreviewSettings> byRepository) {
    this.byRepository = byRepository;
  }

  public static RepositorySettings load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + file + ": " + e.getMessage());
    }
  }

  public static RepositorySettings parse(InputStream yaml, String source) {
    try {
      JsonNode root = YAML.readTree(yaml);
      if (root == null || !root.isObject()) {
        throw new ConfigurationException(source + ": expected a mapping with 'repositories:'");
      }
      JsonNode builtIn = builtInDefaults();
      JsonNode fileDefaults = root.path("defaults");
      JsonNode repositories = root.path("repositories");
      if (!repositories.isObject() || repositories.isEmpty()) {
        throw new ConfigurationException(source + ": 'repositories:' lists no repository");
      }
      Map<String, PreviewSettings> settings = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> entries = repositories.fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        String name = entry.getKey();
        if (!REPOSITORY.matcher(name).matches()) {
          throw new ConfigurationException(source + ": '" + name + "' is not owner/repo");
        }
        ObjectNode merged = builtIn.deepCopy();
        merge(merged, fileDefaults);
        merge(merged, entry.getValue());
        merged.put("repository", name);
        if (merged.path("project").isNull() || merged.path("project").asText().isBlank()) {
          merged.put("project", name.substring(name.indexOf('/') + 1));
        }
        rejectUnknownKeys(source + " (" + name + ")", merged, PreviewSettings.class, "");
        PreviewSettings parsed = YAML.treeToValue(merged, PreviewSettings.class);
        validate(source, parsed);
        settings.put(name.toLowerCase(Locale.ROOT), parsed);
      }
      rejectCollidingNames(source, settings.values());
      return new RepositorySettings(settings);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          source + ": " + e.getOriginalMessage().replaceAll("\\s+", " "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<PreviewSettings> find(String owner, String repo) {
    return Optional.ofNullable(byRepository.get((owner + "/" + repo).toLowerCase(Locale.ROOT)));
  }

  public Collection<PreviewSettings> all() {
    return List.copyOf(byRepository.values());
  }

  private static JsonNode builtInDefaults() throws IOException {
    try (InputStream in =
        RepositorySettings.class.getClassLoader().getResourceAsStream("repository-defaults.yaml")) {
      return YAML.readTree(in);
    }
  }

  private static void merge(ObjectNode target, JsonNode overlay) {
    if (overlay == null || !overlay.isObject()) {
      return;
    }
    overlay
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode existing = target.get(field.getKey());
              if (existing != null
                  && existing.isObject()
                  && field.getValue().isObject()
                  && !field.getKey().equals("environment")) {
                merge((ObjectNode) existing, field.getValue());
              } else {
                target.set(field.getKey(), field.getValue());
              }
            });
  }

  /**
   * The records ignore unknown JSON fields (they also travel through workflow history), so a typo
   * in this file is caught here instead of being silently dropped.
   */
  private static void rejectUnknownKeys(String where, JsonNode node, Class<?> type, String path) {
    if (!type.isRecord() || !node.isObject()) {
      return;
    }
    Map<String, java.lang.reflect.RecordComponent> components = new LinkedHashMap<>();
    for (java.lang.reflect.RecordComponent component : type.getRecordComponents()) {
      components.put(component.getName(), component);
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      java.lang.reflect.RecordComponent component = components.get(key);
      if (component == null) {
        throw new ConfigurationException(
            where + ": unknown key '" + path + key + "' (known: " + components.keySet() + ")");
      }
      rejectUnknownKeys(where, node.get(key), component.getType(), path + key + ".");
    }
  }

  /**
   * Two repositories whose previews would get the same server, site or database names would adopt
   * and then delete each other's resources.
   */
  private static void rejectCollidingNames(String source, Collection<PreviewSettings> all) {
    Map<String, String> sites = new LinkedHashMap<>();
    Map<String, String> databases = new LinkedHashMap<>();
    for (PreviewSettings s : all) {
      String site =
          s.siteTemplate().replace("{project}", s.project()).replace("{domain}", s.domain());
      String other = sites.putIfAbsent(site.toLowerCase(Locale.ROOT), s.repository());
      if (other != null) {
        throw new ConfigurationException(
            source
                + ": "
                + other
                + " and "
                + s.repository()
                + " would give their previews the same names (same project and domain): set"
                + " `project` on one of them");
      }
      if (s.mode() == PreviewSettings.Mode.SHARED) {
        String database =
            s.sharedServerId() + "/" + s.databaseTemplate().replace("{project}", s.project());
        other = databases.putIfAbsent(database.toLowerCase(Locale.ROOT), s.repository());
        if (other != null) {
          throw new ConfigurationException(
              source
                  + ": "
                  + other
                  + " and "
                  + s.repository()
                  + " share server "
                  + s.sharedServerId()
                  + " and database names: put {project} in databaseTemplate");
        }
      }
    }
  }

  private static void validate(String source, PreviewSettings s) {
    List<String> problems = new ArrayList<>();
    String where = source + " (" + s.repository() + ")";
    if (s.domain() == null || s.domain().isBlank()) {
      problems.add("domain is required");
    }
    if (s.mode() == PreviewSettings.Mode.SHARED && s.sharedServerId() == null) {
      problems.add("mode SHARED needs sharedServerId");
    }
    if (s.mode() == PreviewSettings.Mode.DEDICATED && s.server() == null) {
      problems.add("mode DEDICATED needs server");
    }
    checkDuration(problems, "ttl", s.ttl());
    if (s.timeouts() != null) {
      checkDuration(problems, "timeouts.serverReady", s.timeouts().serverReady());
      checkDuration(problems, "timeouts.serverPollInterval", s.timeouts().serverPollInterval());
      checkDuration(problems, "timeouts.resourcePollInterval", s.timeouts().resourcePollInterval());
      checkDuration(problems, "timeouts.deployment", s.timeouts().deployment());
      checkDuration(
          problems, "timeouts.deploymentPollInterval", s.timeouts().deploymentPollInterval());
      checkDuration(problems, "timeouts.healthInterval", s.timeouts().healthInterval());
      checkDuration(problems, "timeouts.connectivityInterval", s.timeouts().connectivityInterval());
    } else {
      problems.add("timeouts are required");
    }
    if (s.environment() != null) {
      s.environment().keySet().stream()
          .filter(key -> !ENV_KEY.matcher(key).matches())
          .forEach(key -> problems.add("environment key '" + key + "' is not [A-Z_][A-Z0-9_]*"));
    }
    if (s.redisDatabases() < 2) {
      problems.add("redisDatabases must be at least 2");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(where + ": " + String.join("; ", problems));
    }
  }

  private static void checkDuration(List<String> problems, String key, String value) {
    try {
      Duration parsed = Duration.parse(value);
      if (parsed.isNegative() || parsed.isZero()) {
        problems.add(key + " must be positive");
      }
    } catch (DateTimeParseException | NullPointerException e) {
      problems.add(key + " '" + value + "' is not an ISO-8601 duration like PT10M or P7D");
    }
  }

  /** A configuration mistake, with a message that says which key and why. */
  public static final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
      super(message);
    }
  }
}
