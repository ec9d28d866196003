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
 * </pre>
 *
 * <p>Bounds: the file at most {@value #MAX_BYTES} bytes, {@value #MAX_VARIABLES} variables of at
 * most {@value #MAX_VALUE} characters, {@value #MAX_COMMANDS} commands per list of at most {@value
 * #MAX_COMMAND} characters, each on one line. The variables forge-preview derives (the database,
 * Redis, the URL) cannot be set, and a value may not read the worker's environment ({@code
 * ${env:…}}).
 */
public record PreviewFile(
    Map<String, String> environment, List<String> setup, List<String> deploy) {

  public static final int MAX_BYTES = 64 * 1024;
  public static final int MAX_VARIABLES = 100;
  public static final int MAX_VALUE = 4096;
  public static final int MAX_COMMANDS = 20;
  public static final int MAX_COMMAND = 1000;

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
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null || token == JsonToken.VALUE_NULL) {
        return new PreviewFile(environment, setup, deploy); // an empty file asks for nothing
      }
      if (token != JsonToken.START_OBJECT) {
        throw error(path, parser, "must be a mapping of environment, setup, deploy");
      }
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        int line = line(parser);
        JsonToken value = parser.nextToken();
        switch (key) {
          case "environment" -> environment(path, parser, value, line, environment);
          case "setup" -> commands(path, parser, value, line, "setup", setup);
          case "deploy" -> commands(path, parser, value, line, "deploy", deploy);
          case "services" ->
              throw new InvalidPreviewFileException(
                  path, line, "services is not supported (the compose backend's extra services)");
          default ->
              throw new InvalidPreviewFileException(
                  path, line, "unknown key '" + printable(key) + "': environment, setup, deploy");
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
    return new PreviewFile(environment, setup, deploy);
  }

  private static void environment(
      String path, JsonParser parser, JsonToken token, int line, Map<String, String> into)
      throws IOException, InvalidPreviewFileException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidPreviewFileException(path, line, "environment must be a mapping");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int at = line(parser);
      JsonToken value = parser.nextToken();
      if (!KEY.matcher(key).matches()) {
        throw new InvalidPreviewFileException(
            path, at, "environment key '" + printable(key) + "' is not [A-Z_][A-Z0-9_]*");
      }
      if (RESERVED.contains(key)) {
        throw new InvalidPreviewFileException(
            path, at, "environment." + key + " is set by forge-preview and cannot be overridden");
      }
      if (!value.isScalarValue()) {
        throw new InvalidPreviewFileException(
            path, at, "environment." + key + " must be a single value");
      }
      String text = value == JsonToken.VALUE_NULL ? "" : parser.getText();
      if (text.length() > MAX_VALUE) {
        throw new InvalidPreviewFileException(
            path, at, "environment." + key + " is longer than " + MAX_VALUE + " characters");
      }
      if (text.indexOf('\0') >= 0) {
        throw new InvalidPreviewFileException(
            path, at, "environment." + key + " holds a NUL character");
      }
      if (text.contains("${env:")) {
        throw new InvalidPreviewFileException(
            path, at, "environment." + key + " may not read the worker's environment (${env:…})");
      }
      if (into.size() == MAX_VARIABLES) {
        throw new InvalidPreviewFileException(
            path, at, "environment has more than " + MAX_VARIABLES + " variables");
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
