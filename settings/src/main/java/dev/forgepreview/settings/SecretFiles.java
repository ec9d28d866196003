package dev.forgepreview.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Secrets given as files ({@code NAME_FILE}: Docker and Kubernetes secrets). The one rule for both
 * processes: the file's content with one trailing line break ({@code \n} or {@code \r\n}) removed,
 * the line break {@code echo} or an editor adds; everything else, inner and leading whitespace
 * included, is the secret.
 */
public final class SecretFiles {
  private static final Pattern ONE_TRAILING_LINE_BREAK = Pattern.compile("\\r?\\n\\z");

  private SecretFiles() {}

  /**
   * Reads {@code file}, named by the variable {@code variable} in errors (never the content).
   *
   * @throws ConfigurationException when the file cannot be read or holds nothing
   */
  public static String read(Path file, String variable) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException(
          variable + " (" + file + ") cannot be read: " + e.getClass().getSimpleName());
    }
    String secret = withoutTrailingLineBreak(content);
    if (secret.isEmpty()) {
      throw new ConfigurationException(variable + " (" + file + ") is empty");
    }
    return secret;
  }

  static String withoutTrailingLineBreak(String content) {
    return ONE_TRAILING_LINE_BREAK.matcher(content).replaceFirst("");
  }
}
