package dev.forgepreview.activities.github;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A repository's own preview file ({@code .forge-preview.yml}), parsed and validated; every error
 * names the file's line. The format (README, The preview file):
 *
 * <pre>
 * environment:          # keys [A-Z_][A-Z0-9_]*, scalar values
 *   MAIL_MAILER: log
 * setup:                # run once after the first deployment, each a Forge site command
 *   - php artisan db:seed --force
 * deploy:               # appended to every deployment's script
 *   - php artisan storage:link
 * services:             # compose backend: extra services beside the app
 *   worker:
 *     build: worker     # a directory of the repository, or
 *     image: redis:7    # a local image name (no registry host)
 *     command: [php, artisan, queue:work]
 *     environment: {QUEUE: default}
 * </pre>
 *
 * <p>Bounds: the file at most {@value #MAX_BYTES} bytes, {@value #MAX_VARIABLES} variables of at
 * most {@value #MAX_VALUE} characters, {@value #MAX_COMMANDS} commands per list of at most {@value
 * #MAX_COMMAND} characters, each on one line. The variables forge-preview derives (the database,
 * Redis, the URL) cannot be set, and a value may not read the worker's environment ({@code
 * ${env:…}}).
 */
public record PreviewFile(
    Map<String, String> environment,
    List<String> setup,
    List<String> deploy,
    Map<String, Service> services) {

  public static final int MAX_BYTES = 64 * 1024;
  public static final int MAX_VARIABLES = 100;
  public static final int MAX_VALUE = 4096;
  public static final int MAX_COMMANDS = 20;
  public static final int MAX_COMMAND = 1000;
  public static final int MAX_SERVICES = 10;
  public static final int MAX_ARGUMENTS = 50;

  /** Service names the generated compose file uses itself. */
  public static final Set<String> RESERVED_SERVICES = Set.of("app");

  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern BUILD_PATH =
      Pattern.compile("[A-Za-z0-9._-]{1,100}(/[A-Za-z0-9._-]{1,100}){0,9}");

  /**
   * A local image: lowercase path components without a registry host (no {@code .} or {@code :} in
   * a first of several components), an optional tag, no digest.
   */
  private static final Pattern IMAGE =
      Pattern.compile(
          "(?:[a-z0-9]+(?:[_-][a-z0-9]+)*/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

  /**
   * An extra compose service of the preview ({@code services:}): exactly one of {@code build} (a
   * directory of the repository) and {@code image} (a local image), an optional {@code command}
   * (arguments, no shell) and its {@code environment}.
   */
  public record Service(
      String build, String image, List<String> command, Map<String, String> environment) {
    public Service {
      command = command == null ? null : List.copyOf(command);
      environment =
          Collections.unmodifiableMap(
              new LinkedHashMap<>(environment == null ? Map.of() : environment));
    }
  }

  /** The file without {@code services:}. */
  public PreviewFile(Map<String, String> environment, List<String> setup, List<String> deploy) {
    this(environment, setup, deploy, Map.of());
  }

  /** Keys the workflow sets for the preview to work (and the derived password). */
  public static final Set<String> RESERVED =
      Set.of(
          "APP_URL",
          "DB_CONNECTION",
          "DB_HOST",
          "DB_PORT",
          "DB_DATABASE",
          "DB_USERNAME",
          "DB_PASSWORD",
          "REDIS_DB");

  private static final Pattern KEY = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f]");
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  public PreviewFile {
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    setup = List.copyOf(setup);
    deploy = List.copyOf(deploy);
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  /** A file that cannot be used; the message names the file and the line, never a value. */
  public static final class InvalidPreviewFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    InvalidPreviewFileException(String path, int line, String problem) {
      super(path + (line > 0 ? " line " + line : "") + ": " + problem);
      this.line = line;
    }

    /** The file's line (1-based), 0 when none applies. */
    public int line() {
      return line;
    }
  }

  /** The parts the file holds, by their names ({@code environment}, {@code setup}, ...). */
  public List<String> parts() {
    List<String> parts = new ArrayList<>();
    if (!environment.isEmpty()) {
      parts.add("environment");
    }
    if (!setup.isEmpty()) {
      parts.add("setup");
    }
    if (!deploy.isEmpty()) {
      parts.add("deploy");
    }
    if (!services.isEmpty()) {
      parts.add("services");
    }
    return parts;
  }

  /**
   * Parses the file's bytes.
   *
   * @param path the file's path, for the messages
   */
  public static PreviewFile parse(String path, byte[] content) throws InvalidPreviewFileException {
    if (content.length > MAX_BYTES) {
      throw new InvalidPreviewFileException(
          path, 0, "is " + content.length + " bytes, more than " + MAX_BYTES);
    }
    String text = new String(content, StandardCharsets.UTF_8);
    Map<String, String> environment = new LinkedHashMap<>();
    List<String> setup = new ArrayList<>();
    List<String> deploy = new ArrayList<>();
    Map<String, Service> services = new LinkedHashMap<>();
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null || token == JsonToken.VALUE_NULL) {
        return new PreviewFile(environment, setup, deploy); // an empty file asks for nothing
      }
      if (token != JsonToken.START_OBJECT) {
        throw error(path, parser, "must be a mapping of environment, setup, deploy, services");
      }
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        int line = line(parser);
        JsonToken value = parser.nextToken();
        switch (key) {
          case "environment" -> environment(path, parser, value, line, environment);
          case "setup" -> commands(path, parser, value, line, "setup", setup);
          case "deploy" -> commands(path, parser, value, line, "deploy", deploy);
          case "services" -> services(path, parser, value, line, services);
          default ->
              throw new InvalidPreviewFileException(
                  path,
                  line,
                  "unknown key '" + printable(key) + "': environment, setup, deploy, services");
        }
      }
      if (parser.nextToken() != null) {
        throw error(path, parser, "holds more than one document");
      }
    } catch (JsonParseException e) {
      throw new InvalidPreviewFileException(path, lineOf(e.getLocation()), yamlProblem(e));
    } catch (IOException e) {
      throw new InvalidPreviewFileException(path, 0, "is not readable YAML");
    }
    return new PreviewFile(environment, setup, deploy, services);
  }

  private static void services(
      String path, JsonParser parser, JsonToken token, int line, Map<String, Service> into)
      throws IOException, InvalidPreviewFileException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidPreviewFileException(path, line, "services must be a mapping of services");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      int at = line(parser);
      JsonToken value = parser.nextToken();
      if (!SERVICE_NAME.matcher(name).matches()) {
        throw new InvalidPreviewFileException(
            path, at, "service name '" + printable(name) + "' is not [a-z][a-z0-9-]{0,30}");
      }
      if (RESERVED_SERVICES.contains(name)) {
        throw new InvalidPreviewFileException(
            path, at, "service name '" + name + "' is the app's own service");
      }
      if (into.size() == MAX_SERVICES) {
        throw new InvalidPreviewFileException(
            path, at, "services has more than " + MAX_SERVICES + " services");
      }
      into.put(name, service(path, parser, value, at, "services." + name));
    }
  }

  private static Service service(
      String path, JsonParser parser, JsonToken token, int line, String name)
      throws IOException, InvalidPreviewFileException {
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidPreviewFileException(
          path, line, name + " must be a mapping of build, image, command, environment");
    }
    String build = null;
    String image = null;
    List<String> command = null;
    Map<String, String> environment = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int at = line(parser);
      JsonToken value = parser.nextToken();
      switch (key) {
        case "build" -> {
          String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          if (text == null
              || !BUILD_PATH.matcher(text).matches()
              || List.of(text.split("/")).stream().anyMatch(p -> p.equals(".."))) {
            throw new InvalidPreviewFileException(
                path,
                at,
                name + ".build must be a directory of the repository (a relative path, no ..)");
          }
          build = text;
        }
        case "image" -> {
          String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          if (text == null || text.length() > 200 || !IMAGE.matcher(text).matches()) {
            throw new InvalidPreviewFileException(
                path,
                at,
                name + ".image must be a local image name (name[:tag], no registry, no digest)");
          }
          image = text;
        }
        case "command" -> command = arguments(path, parser, value, at, name + ".command");
        case "environment" -> environment(path, parser, value, at, environment, name + ".");
        default ->
            throw new InvalidPreviewFileException(
                path,
                at,
                name
                    + " has '"
                    + printable(key)
                    + "', which is not allowed: build, image, command, environment");
      }
    }
    if ((build == null) == (image == null)) {
      throw new InvalidPreviewFileException(
          path, line, name + " needs exactly one of build and image");
    }
    return new Service(build, image, command, environment);
  }

  private static List<String> arguments(
      String path, JsonParser parser, JsonToken token, int line, String name)
      throws IOException, InvalidPreviewFileException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidPreviewFileException(path, line, name + " must be a list of strings");
    }
    List<String> into = new ArrayList<>();
    JsonToken item;
    while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
      int at = line(parser);
      if (!item.isScalarValue() || item == JsonToken.VALUE_NULL) {
        throw new InvalidPreviewFileException(path, at, name + " holds something not a string");
      }
      String argument = parser.getText();
      if (argument.length() > MAX_COMMAND) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds an argument longer than " + MAX_COMMAND + " characters");
      }
      if (CONTROL.matcher(argument).find()) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds an argument that is not a single line");
      }
      if (into.size() == MAX_ARGUMENTS) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds more than " + MAX_ARGUMENTS + " arguments");
      }
      into.add(argument);
    }
    if (into.isEmpty()) {
      throw new InvalidPreviewFileException(path, line, name + " is empty");
    }
    return into;
  }

  private static void environment(
      String path, JsonParser parser, JsonToken token, int line, Map<String, String> into)
      throws IOException, InvalidPreviewFileException {
    environment(path, parser, token, line, into, "");
  }

  /**
   * An {@code environment:} mapping; {@code prefix} names a service's ({@code services.worker.}),
   * whose values are single lines and may set the keys forge-preview reserves for the app.
   */
  private static void environment(
      String path,
      JsonParser parser,
      JsonToken token,
      int line,
      Map<String, String> into,
      String prefix)
      throws IOException, InvalidPreviewFileException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidPreviewFileException(path, line, prefix + "environment must be a mapping");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int at = line(parser);
      JsonToken value = parser.nextToken();
      if (!KEY.matcher(key).matches()) {
        throw new InvalidPreviewFileException(
            path, at, prefix + "environment key '" + printable(key) + "' is not [A-Z_][A-Z0-9_]*");
      }
      if (prefix.isEmpty() && RESERVED.contains(key)) {
        throw new InvalidPreviewFileException(
            path,
            at,
            prefix + "environment." + key + " is set by forge-preview and cannot be overridden");
      }
      if (!value.isScalarValue()) {
        throw new InvalidPreviewFileException(
            path, at, prefix + "environment." + key + " must be a single value");
      }
      String text = value == JsonToken.VALUE_NULL ? "" : parser.getText();
      if (text.length() > MAX_VALUE) {
        throw new InvalidPreviewFileException(
            path,
            at,
            prefix + "environment." + key + " is longer than " + MAX_VALUE + " characters");
      }
      if (text.indexOf('\0') >= 0) {
        throw new InvalidPreviewFileException(
            path, at, prefix + "environment." + key + " holds a NUL character");
      }
      if (!prefix.isEmpty() && CONTROL.matcher(text).find()) {
        throw new InvalidPreviewFileException(
            path, at, prefix + "environment." + key + " is not a single line");
      }
      if (text.contains("${env:")) {
        throw new InvalidPreviewFileException(
            path,
            at,
            prefix + "environment." + key + " may not read the worker's environment (${env:…})");
      }
      if (into.size() == MAX_VARIABLES) {
        throw new InvalidPreviewFileException(
            path, at, prefix + "environment has more than " + MAX_VARIABLES + " variables");
      }
      into.put(key, text);
    }
  }

  private static void commands(
      String path, JsonParser parser, JsonToken token, int line, String name, List<String> into)
      throws IOException, InvalidPreviewFileException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidPreviewFileException(path, line, name + " must be a list of commands");
    }
    JsonToken item;
    while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
      int at = line(parser);
      if (item != JsonToken.VALUE_STRING) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds something that is not a command (a string)");
      }
      String command = parser.getText().strip();
      if (command.isEmpty()) {
        throw new InvalidPreviewFileException(path, at, name + " holds an empty command");
      }
      if (command.length() > MAX_COMMAND) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds a command longer than " + MAX_COMMAND + " characters");
      }
      if (CONTROL.matcher(command).find()) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds a command that is not a single line");
      }
      if (into.size() == MAX_COMMANDS) {
        throw new InvalidPreviewFileException(
            path, at, name + " holds more than " + MAX_COMMANDS + " commands");
      }
      into.add(command);
    }
  }

  private static InvalidPreviewFileException error(String path, JsonParser parser, String problem) {
    return new InvalidPreviewFileException(path, line(parser), problem);
  }

  private static int line(JsonParser parser) {
    return lineOf(parser.currentTokenLocation());
  }

  private static int lineOf(JsonLocation location) {
    return location == null ? 0 : Math.max(0, location.getLineNr());
  }

  /** The parser's own problem without the excerpt of the source it may quote. */
  private static String yamlProblem(JsonParseException e) {
    String message = e.getOriginalMessage();
    if (message != null && message.startsWith("Duplicate field")) {
      return "a key appears twice";
    }
    return "is not valid YAML";
  }

  private static String printable(String key) {
    String shown = key.length() > 40 ? key.substring(0, 40) + "…" : key;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
