package dev.forgepreview.gateway.config;

import dev.forgepreview.workflows.PreviewSettings.Trigger;
import io.micronaut.context.exceptions.ConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The repositories the gateway acts for and how each is triggered, read from {@code repositories:
 * {"owner/repo": {trigger: auto|comment, ...}}}. Keys are case-insensitive; every other key is the
 * worker's business. A repository without {@code trigger} is {@code auto}.
 */
public final class RepositoryAllowList {
  /** The worker's default of {@code maxConcurrentPreviews}. */
  public static final int DEFAULT_MAX_CONCURRENT_PREVIEWS = 10;

  private final Map<String, Trigger> triggers;
  private final Map<String, Integer> limits;

  private RepositoryAllowList(Map<String, Trigger> triggers, Map<String, Integer> limits) {
    this.triggers = Map.copyOf(triggers);
    this.limits = Map.copyOf(limits);
  }

  public static RepositoryAllowList empty() {
    return new RepositoryAllowList(Map.of(), Map.of());
  }

  public static RepositoryAllowList load(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      return parse(new Yaml(new SafeConstructor(options)).load(reader), file);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read the repositories file " + file, e);
    } catch (YAMLException e) {
      throw new ConfigurationException("the repositories file " + file + " is not valid YAML", e);
    }
  }

  private static RepositoryAllowList parse(Object document, Path file) {
    if (document == null) {
      return empty();
    }
    if (!(document instanceof Map<?, ?> root)) {
      throw new ConfigurationException(file + ": the top level must be a mapping");
    }
    Object repositories = root.get("repositories");
    if (repositories == null) {
      return empty();
    }
    if (!(repositories instanceof Map<?, ?> entries)) {
      throw new ConfigurationException(file + ": 'repositories' must be a mapping");
    }
    Map<?, ?> defaults = root.get("defaults") instanceof Map<?, ?> block ? block : Map.of();
    Map<String, Trigger> triggers = new HashMap<>();
    Map<String, Integer> limits = new HashMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String name = String.valueOf(entry.getKey()).trim();
      if (name.split("/", -1).length != 2 || name.startsWith("/") || name.endsWith("/")) {
        throw new ConfigurationException(file + ": '" + name + "' is not owner/repo");
      }
      Map<?, ?> settings = entry.getValue() instanceof Map<?, ?> own ? own : Map.of();
      Object trigger =
          settings.get("trigger") != null ? settings.get("trigger") : defaults.get("trigger");
      Object limit =
          settings.get("maxConcurrentPreviews") != null
              ? settings.get("maxConcurrentPreviews")
              : defaults.get("maxConcurrentPreviews");
      if (triggers.put(
              key(name),
              trigger == null ? Trigger.AUTO : trigger(String.valueOf(trigger), name, file))
          != null) {
        throw new ConfigurationException(file + ": '" + name + "' is listed twice");
      }
      limits.put(key(name), limit(limit, name, file));
    }
    return new RepositoryAllowList(triggers, limits);
  }

  private static int limit(Object value, String name, Path file) {
    if (value == null) {
      return DEFAULT_MAX_CONCURRENT_PREVIEWS;
    }
    try {
      int limit = Integer.parseInt(String.valueOf(value).trim());
      if (limit < 0) {
        throw new NumberFormatException();
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          file + ": maxConcurrentPreviews of '" + name + "' must be a whole number >= 0", e);
    }
  }

  private static Trigger trigger(String value, String name, Path file) {
    try {
      return Trigger.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          file + ": trigger of '" + name + "' must be auto or comment, not '" + value + "'", e);
    }
  }

  private static String key(String fullName) {
    return fullName.toLowerCase(Locale.ROOT);
  }

  /** The trigger of {@code owner/repo}, empty when the repository is not allowed. */
  public Optional<Trigger> trigger(String owner, String repo) {
    return Optional.ofNullable(triggers.get(key(owner + "/" + repo)));
  }

  /** How many previews of {@code owner/repo} may run at once; 0 means no limit. */
  public int maxConcurrentPreviews(String owner, String repo) {
    return limits.getOrDefault(key(owner + "/" + repo), DEFAULT_MAX_CONCURRENT_PREVIEWS);
  }

  public int size() {
    return triggers.size();
  }
}
