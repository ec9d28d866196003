package dev.forgepreview.settings;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.forgepreview.workflows.DeployScriptTemplate;
import dev.forgepreview.workflows.NameCollisions;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repositories file ({@code FORGE_PREVIEW_REPOSITORIES_FILE}), the one loader the gateway and
 * the worker share: the built-in defaults ({@code repository-defaults.yaml}, written once), then
 * the file's {@code defaults:} block, then each entry of {@code repositories:}. Everything is
 * validated when the file is loaded; an error names the file, the line and the key. Immutable: a
 * reload ({@link RepositoriesFile}) builds a new instance.
 */
public final class RepositorySettings {
  static final String DEFAULTS_RESOURCE = "repository-defaults.yaml";
  private static final YAMLFactory YAML_FACTORY =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML =
      JsonMapper.builder(YAML_FACTORY)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .build();
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern NOTIFICATION_URL =
      Pattern.compile("(https?://\\S+|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*})");
  private static final Pattern CRON = Pattern.compile("[0-9A-Za-z*/,?-]+( +[0-9A-Za-z*/,?-]+){4}");
  private static final Pattern BASIC_AUTH_USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PREVIEW_FILE_PATH =
      Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Set<String> TOP_LEVEL = Set.of("defaults", "repositories");
  private static final JsonNode BUILT_IN = readBuiltInDefaults();

  /** The compose host's defaults, under what the file gives for a {@code backend: compose}. */
  private static final ObjectNode COMPOSE_DEFAULTS = composeDefaults();

  private static ObjectNode composeDefaults() {
    try {
      return (ObjectNode)
          YAML.readTree(
              "{sshPort: 22, composeCommand: auto, routing: HOST, nginxCommand: [nginx],"
                  + " listenPort: 80, portBase: 20000, portCount: 1000, healthPath: /,"
                  + " build: PT30M, health: PT5M,"
                  + " repositoryUrl: 'https://github.com/{repository}.git'}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Map<String, PreviewSettings> byRepository;

  private RepositorySettings(Map<String, PreviewSettings> byRepository) {
    this.byRepository = Map.copyOf(byRepository);
  }

  /** No repository: every webhook is refused (a gateway started without a file). */
  public static RepositorySettings empty() {
    return new RepositorySettings(Map.of());
  }

  public static RepositorySettings load(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read the repositories file " + file + ": " + e.getClass().getSimpleName());
    }
    return parse(content, file.toString());
  }

  public static RepositorySettings parse(InputStream yaml, String source) {
    try {
      return parse(yaml.readAllBytes(), source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RepositorySettings parse(String yaml, String source) {
    return parse(yaml.getBytes(StandardCharsets.UTF_8), source);
  }

  /**
   * @param source how errors name the file (its path)
   */
  public static RepositorySettings parse(byte[] yaml, String source) {
    Lines lines = new Lines(source, yaml);
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          lines.at(e.getLocation()) + ": " + e.getOriginalMessage().replaceAll("\\s+", " "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw new ConfigurationException(source + ": expected a mapping with 'repositories:'");
    }
    root.fieldNames()
        .forEachRemaining(
            key -> {
              if (!TOP_LEVEL.contains(key)) {
                throw new ConfigurationException(
                    lines.at(JsonPointer.compile("/" + escape(key)))
                        + ": unknown key '"
                        + key
                        + "' (known: defaults, repositories)");
              }
            });
    JsonNode fileDefaults = root.path("defaults");
    if (!fileDefaults.isMissingNode() && !fileDefaults.isObject()) {
      throw new ConfigurationException(
          lines.at(pointer("defaults")) + ": defaults: expected a mapping");
    }
    rejectUnknownKeys(lines, fileDefaults, PreviewSettings.class, pointer("defaults"), "defaults");
    JsonNode repositories = root.path("repositories");
    if (!repositories.isObject() || repositories.isEmpty()) {
      throw new ConfigurationException(source + ": 'repositories:' lists no repository");
    }
    Map<String, PreviewSettings> settings = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = repositories.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String name = entry.getKey();
      JsonPointer at = pointer("repositories", name);
      if (!REPOSITORY.matcher(name).matches()) {
        throw new ConfigurationException(lines.at(at) + ": '" + name + "' is not owner/repo");
      }
      JsonNode own = entry.getValue();
      if (!own.isNull() && !own.isObject()) {
        throw new ConfigurationException(lines.at(at) + ": " + name + ": expected a mapping");
      }
      rejectUnknownKeys(lines, own, PreviewSettings.class, at, "repositories." + name);
      ObjectNode merged = BUILT_IN.deepCopy();
      merge(merged, fileDefaults);
      merge(merged, own);
      merged.put("repository", name);
      if (merged.path("project").isNull() || merged.path("project").asText().isBlank()) {
        merged.put("project", name.substring(name.indexOf('/') + 1));
      }
      if (merged.path("backend").asText("").equalsIgnoreCase("compose")
          && merged.path("compose").isObject()) {
        ObjectNode compose = COMPOSE_DEFAULTS.deepCopy();
        merge(compose, merged.path("compose"));
        merged.set("compose", compose);
      }
      JsonNode url = merged.path("notifications").path("url");
      if (url.isMissingNode() || url.isNull() || url.asText().isBlank()) {
        // No URL, no notifications: the settings say so with null.
        merged.remove("notifications");
      }
      PreviewSettings parsed;
      try {
        parsed = YAML.treeToValue(merged, PreviewSettings.class);
      } catch (JsonMappingException e) {
        String key = keyOf(e);
        throw new ConfigurationException(
            lines.where(name, key)
                + ": "
                + name
                + "."
                + key
                + ": "
                + e.getOriginalMessage().replaceAll("\\s+", " "));
      } catch (JsonProcessingException e) {
        throw new ConfigurationException(lines.at(at) + ": " + e.getOriginalMessage());
      }
      validate(lines, parsed);
      if (settings.putIfAbsent(name.toLowerCase(Locale.ROOT), parsed) != null) {
        throw new ConfigurationException(
            lines.at(at) + ": '" + name + "' is listed twice (names are case-insensitive)");
      }
    }
    rejectCollidingNames(lines, settings.values());
    return new RepositorySettings(settings);
  }

  public Optional<PreviewSettings> find(String owner, String repo) {
    return Optional.ofNullable(byRepository.get((owner + "/" + repo).toLowerCase(Locale.ROOT)));
  }

  /** The settings of {@code owner/repo} as one string, case-insensitive. */
  public Optional<PreviewSettings> find(String repository) {
    return Optional.ofNullable(byRepository.get(repository.toLowerCase(Locale.ROOT)));
  }

  /** The trigger of {@code owner/repo}, empty when the repository is not configured. */
  public Optional<Trigger> trigger(String owner, String repo) {
    return find(owner, repo).map(PreviewSettings::trigger);
  }

  /**
   * The {@code environment:} block of {@code owner/repo}, values as written (not resolved); empty
   * when the repository is not configured. Only the activity that writes the file reads values.
   */
  public Optional<Map<String, String>> environment(String repository) {
    return find(repository)
        .map(s -> s.environment() == null ? Map.<String, String>of() : s.environment());
  }

  /**
   * The notification URL of {@code repository} with every {@code ${env:NAME}} replaced by the
   * variable {@code NAME} (or the content of the file {@code NAME_FILE}, by {@link Env#secret});
   * empty when the repository is not configured or sends no notifications.
   *
   * @throws ConfigurationException when a variable it names is not set (the message names the
   *     variable, never a value)
   */
  public Optional<String> notificationUrl(String repository, Env env) {
    return find(repository)
        .map(PreviewSettings::notifications)
        .map(PreviewSettings.Notifications::url)
        .map(url -> resolveEnv(repository, url, env));
  }

  private static String resolveEnv(String repository, String value, Env env) {
    Matcher reference = ENV_REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (reference.find()) {
      String name = reference.group(1);
      String found =
          env.secret(name)
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          repository
                              + ".notifications.url refers to "
                              + name
                              + ", which is not set (nor "
                              + name
                              + "_FILE)"));
      reference.appendReplacement(resolved, Matcher.quoteReplacement(found));
    }
    reference.appendTail(resolved);
    return resolved.toString();
  }

  public Collection<PreviewSettings> all() {
    return List.copyOf(byRepository.values());
  }

  public int size() {
    return byRepository.size();
  }

  /**
   * The built-in default of every key, by its dotted path ({@code timeouts.serverReady}); {@code
   * null} where a key has no default. The README's configuration table is checked against this.
   */
  public static Map<String, Object> builtInDefaults() {
    Map<String, Object> flat = new TreeMap<>();
    flatten("", BUILT_IN, flat);
    return flat;
  }

  /** The built-in defaults as YAML read them (a copy). */
  static JsonNode builtInTree() {
    return BUILT_IN.deepCopy();
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Object> into) {
    node.fields()
        .forEachRemaining(
            field -> {
              JsonNode value = field.getValue();
              String key = prefix + field.getKey();
              if (value.isObject() && !value.isEmpty()) {
                flatten(key + ".", value, into);
              } else if (value.isObject()) {
                into.put(key, Map.of());
              } else if (value.isNull()) {
                into.put(key, null);
              } else if (value.isNumber() || value.isBoolean()) {
                into.put(key, value.isBoolean() ? value.booleanValue() : value.numberValue());
              } else {
                into.put(key, value.asText());
              }
            });
  }

  private static JsonNode readBuiltInDefaults() {
    try (InputStream in =
        RepositorySettings.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
   * in this file is caught here, at its line, instead of being silently dropped.
   */
  private static void rejectUnknownKeys(
      Lines lines, JsonNode node, Class<?> type, JsonPointer at, String path) {
    if (!type.isRecord() || !node.isObject()) {
      return;
    }
    Map<String, RecordComponent> components = new LinkedHashMap<>();
    for (RecordComponent component : type.getRecordComponents()) {
      if (!(type == PreviewSettings.class && component.getName().equals("repository"))) {
        components.put(component.getName(), component);
      }
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      RecordComponent component = components.get(key);
      JsonPointer keyAt = at.append(pointer(key));
      if (component == null) {
        throw new ConfigurationException(
            lines.at(keyAt)
                + ": unknown key '"
                + path
                + "."
                + key
                + "' (known: "
                + String.join(", ", components.keySet())
                + ")");
      }
      rejectUnknownKeys(lines, node.get(key), component.getType(), keyAt, path + "." + key);
    }
  }

  /**
   * Two repositories whose previews would get the same server, site, database or user names would
   * adopt and then delete each other's resources: checked on the derived names ({@link
   * NameCollisions}), reported at the first repository concerned.
   */
  private static void rejectCollidingNames(Lines lines, Collection<PreviewSettings> all) {
    List<NameCollisions.Collision> collisions = NameCollisions.find(all);
    if (!collisions.isEmpty()) {
      NameCollisions.Collision first = collisions.get(0);
      throw new ConfigurationException(
          lines.at(pointer("repositories", first.repository()))
              + ": "
              + collisions.stream()
                  .map(NameCollisions.Collision::message)
                  .distinct()
                  .collect(java.util.stream.Collectors.joining("; ")));
    }
  }

  private static void validate(Lines lines, PreviewSettings s) {
    Map<String, String> problems = new LinkedHashMap<>();
    if (s.domain() == null || s.domain().isBlank()) {
      problems.put("domain", "is required");
    }
    if (s.effectiveBackend() == PreviewSettings.Backend.COMPOSE) {
      validateCompose(problems, s.compose());
    }
    if (s.mode() == PreviewSettings.Mode.SHARED && s.sharedServerId() == null) {
      problems.put("sharedServerId", "is required in mode SHARED");
    }
    if (s.mode() == PreviewSettings.Mode.DEDICATED && s.server() == null) {
      problems.put("server", "is required in mode DEDICATED");
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
      checkDuration(problems, "timeouts.teardownRoundPause", s.timeouts().teardownRoundPause());
      if (s.timeouts().teardownRounds() < 1) {
        problems.put("timeouts.teardownRounds", "must be at least 1");
      }
    } else {
      problems.put("timeouts", "are required");
    }
    if (s.environment() != null) {
      s.environment().keySet().stream()
          .filter(key -> !ENV_KEY.matcher(key).matches())
          .forEach(key -> problems.put("environment." + key, "is not [A-Z_][A-Z0-9_]*"));
    }
    List<String> script = DeployScriptTemplate.problems(s.deployScript());
    if (!script.isEmpty()) {
      problems.put("deployScript", String.join("; ", script));
    }
    if (s.snapshot() != null) {
      String schedule = s.snapshot().schedule();
      if (s.snapshot().isInterval()) {
        checkDuration(problems, "snapshot.schedule", schedule);
        if (!problems.containsKey("snapshot.schedule")
            && Duration.parse(schedule).compareTo(Duration.ofMinutes(5)) < 0) {
          problems.put("snapshot.schedule", "must be at least PT5M");
        }
      } else if (schedule == null || !CRON.matcher(schedule.trim()).matches()) {
        problems.put(
            "snapshot.schedule",
            "'"
                + schedule
                + "' is neither an ISO-8601 interval like P7D nor a five-field cron expression"
                + " like '0 3 * * 0'");
      }
      if (s.snapshot().keep() < 1) {
        problems.put("snapshot.keep", "must be at least 1");
      }
    }
    if (s.basicAuth() != null) {
      String user = s.basicAuth().username();
      if (user == null || !BASIC_AUTH_USER.matcher(user).matches()) {
        problems.put("basicAuth.username", "is required: 1-64 of [A-Za-z0-9._-]");
      }
      String password = s.basicAuth().password();
      if (password != null && !ENV_REFERENCE.matcher(password).matches()) {
        problems.put(
            "basicAuth.password",
            "must be \"${env:NAME}\" (read from the worker's environment) or left out (a password"
                + " derived per preview): a password is never written into this file");
      }
    }
    if (s.previewFile() != null) {
      PreviewSettings.PreviewFile file = s.previewFile();
      String path = file.path();
      if (path == null
          || path.length() > 200
          || !PREVIEW_FILE_PATH.matcher(path).matches()
          || List.of(path.split("/")).stream()
              .anyMatch(part -> part.equals("..") || part.equals("."))) {
        problems.put(
            "previewFile.path",
            "must be a relative path in the repository (segments of [A-Za-z0-9._-], no . or ..)");
      }
      if (file.allow() == null || file.allow().contains(null)) {
        problems.put("previewFile.allow", "must be a list of environment, setup, deploy, services");
      } else if (s.effectiveBackend() == PreviewSettings.Backend.COMPOSE) {
        if (file.allow().stream()
            .anyMatch(part -> part != PreviewSettings.PreviewFilePart.SERVICES)) {
          problems.put(
              "previewFile.allow",
              "may hold only services with backend: compose (environment, setup and deploy are"
                  + " applied by the Forge backend)");
        }
      } else if (file.allows(PreviewSettings.PreviewFilePart.SERVICES)) {
        problems.put(
            "previewFile.allow",
            "services is for backend: compose (extra services in its generated compose file)");
      }
    }
    if (s.certificate() == PreviewSettings.CertificateMode.WILDCARD) {
      PreviewSettings.WildcardCertificate wildcard = s.wildcardCertificate();
      if (wildcard == null) {
        problems.put("wildcardCertificate", "is required with certificate: wildcard");
      } else {
        checkPemSource(problems, "wildcardCertificate.certificate", wildcard.certificate());
        checkPemSource(problems, "wildcardCertificate.key", wildcard.key());
      }
    }
    if (s.redisDatabases() < 2) {
      problems.put("redisDatabases", "must be at least 2");
    }
    if (s.notifications() != null) {
      PreviewSettings.Notifications n = s.notifications();
      if (!NOTIFICATION_URL.matcher(n.url().trim()).matches()) {
        problems.put(
            "notifications.url", "must be an http(s) URL or \"${env:NAME}\" (a secret URL)");
      }
      if (n.format() == null) {
        problems.put("notifications.format", "must be json or slack");
      }
      if (n.events() == null
          || n.events().isEmpty()
          || !PreviewSettings.Notifications.EVENTS.containsAll(n.events())) {
        problems.put(
            "notifications.events", "must list some of " + PreviewSettings.Notifications.EVENTS);
      }
    }
    if (s.maxConcurrentPreviews() < 0) {
      problems.put("maxConcurrentPreviews", "must be 0 (no limit) or more");
    }
    if (s.trigger() == Trigger.LABEL && (s.label() == null || s.label().isBlank())) {
      problems.put("label", "is required with trigger LABEL");
    }
    PreviewSettings.AdmissionSettings admission = s.admission();
    if (admission == null) {
      problems.put("admission", "is required");
    } else {
      if (admission.redisFirstDatabase() < 0
          || admission.redisLastDatabase() < admission.redisFirstDatabase()) {
        problems.put(
            "admission.redisLastDatabase", "must be at least redisFirstDatabase (and that >= 0)");
      } else if (admission.redisLastDatabase() >= s.redisDatabases()) {
        problems.put(
            "admission.redisLastDatabase",
            "must be below redisDatabases (" + s.redisDatabases() + ")");
      }
      if (admission.breakerFailures() < 1) {
        problems.put("admission.breakerFailures", "must be at least 1");
      }
      checkDuration(problems, "admission.breakerCoolDown", admission.breakerCoolDown());
    }
    if (!problems.isEmpty()) {
      List<String> messages = new ArrayList<>();
      problems.forEach(
          (key, problem) ->
              messages.add(
                  lines.where(s.repository(), key)
                      + ": "
                      + s.repository()
                      + "."
                      + key
                      + " "
                      + problem));
      throw new ConfigurationException(String.join("\n", messages));
    }
  }

  private static void validateCompose(Map<String, String> problems, PreviewSettings.ComposeHost c) {
    if (c == null) {
      problems.put(
          "compose",
          "is required with backend COMPOSE (host, sshUser, root, nginxConfigDirectory)");
      return;
    }
    if (c.host() == null || c.host().isBlank()) {
      problems.put("compose.host", "is required");
    }
    if (c.sshUser() == null || c.sshUser().isBlank()) {
      problems.put("compose.sshUser", "is required");
    }
    if (c.root() == null || !c.root().startsWith("/")) {
      problems.put("compose.root", "must be an absolute directory");
    }
    if (c.nginxConfigDirectory() == null || !c.nginxConfigDirectory().startsWith("/")) {
      problems.put("compose.nginxConfigDirectory", "must be an absolute directory");
    }
    if (c.portBase() < 1024 || c.portCount() < 1 || c.portBase() + c.portCount() > 65536) {
      problems.put("compose.portBase", "and portCount must give ports between 1024 and 65535");
    }
    if ((c.tlsCertificate() == null) != (c.tlsCertificateKey() == null)) {
      problems.put("compose.tlsCertificate", "and compose.tlsCertificateKey go together");
    }
    checkDuration(problems, "compose.build", c.build());
    checkDuration(problems, "compose.health", c.health());
  }

  /** A PEM file's path or {@code ${env:NAME}}; never the PEM itself (it would reach history). */
  private static void checkPemSource(Map<String, String> problems, String key, String value) {
    if (value == null || value.isBlank()) {
      problems.put(key, "is required: a PEM file's path or \"${env:NAME}\"");
    } else if (value.contains("-----BEGIN") || value.contains("\n")) {
      problems.put(
          key,
          "must name a PEM file or \"${env:NAME}\", not hold the PEM itself (this file's values"
              + " travel through workflow history)");
    } else if (value.startsWith("${") && !ENV_REFERENCE.matcher(value).matches()) {
      problems.put(key, "'" + value + "' is not ${env:NAME}");
    }
  }

  private static void checkDuration(Map<String, String> problems, String key, String value) {
    try {
      Duration parsed = Duration.parse(value);
      if (parsed.isNegative() || parsed.isZero()) {
        problems.put(key, "must be positive");
      }
    } catch (DateTimeParseException | NullPointerException e) {
      problems.put(key, "'" + value + "' is not an ISO-8601 duration like PT10M or P7D");
    }
  }

  private static String keyOf(JsonMappingException e) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        names.add(reference.getFieldName());
      }
    }
    return String.join(".", names);
  }

  static JsonPointer pointer(String... keys) {
    JsonPointer pointer = JsonPointer.empty();
    for (String key : keys) {
      pointer = pointer.append(JsonPointer.compile("/" + escape(key)));
    }
    return pointer;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** Where each key of the file is: {@code file:line}, found by a streaming pass of the YAML. */
  private static final class Lines {
    private final String source;
    private final Map<String, Integer> byPointer = new HashMap<>();

    Lines(String source, byte[] yaml) {
      this.source = source;
      try (JsonParser parser = YAML_FACTORY.createParser(yaml)) {
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.FIELD_NAME) {
            byPointer.putIfAbsent(
                parser.getParsingContext().pathAsPointer().toString(),
                parser.currentTokenLocation().getLineNr());
          }
        }
      } catch (IOException e) {
        // Malformed YAML: readTree reports it with its own location.
      }
    }

    String at(JsonLocation location) {
      return location == null || location.getLineNr() < 1
          ? source
          : source + ":" + location.getLineNr();
    }

    String at(JsonPointer pointer) {
      Integer line = byPointer.get(pointer.toString());
      return line == null ? source : source + ":" + line;
    }

    /**
     * The line that sets {@code key} (dotted) for {@code repository}: its own block, else the
     * defaults block, else the repository's entry (a key that is missing or built in).
     */
    String where(String repository, String key) {
      String[] parts = key.isEmpty() ? new String[0] : key.split("\\.");
      JsonPointer own = pointer("repositories", repository);
      JsonPointer defaults = pointer("defaults");
      for (int length = parts.length; length > 0; length--) {
        String[] prefix = java.util.Arrays.copyOf(parts, length);
        Integer line = byPointer.get(own.append(pointer(prefix)).toString());
        if (line == null) {
          line = byPointer.get(defaults.append(pointer(prefix)).toString());
        }
        if (line != null) {
          return source + ":" + line;
        }
      }
      return at(own);
    }
  }
}
