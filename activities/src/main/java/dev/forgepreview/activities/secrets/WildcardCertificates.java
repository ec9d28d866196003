package dev.forgepreview.activities.secrets;

import dev.forgepreview.workflows.PreviewSettings.WildcardCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The existing (wildcard) certificate and key of a repository, read where they are installed: each
 * of {@code wildcardCertificate.certificate} and {@code .key} names a PEM file on the worker or
 * {@code ${env:NAME}}. Read on every use, so a renewed certificate applies to the next preview.
 */
public final class WildcardCertificates {
  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private final Function<String, Optional<WildcardCertificate>> configured;
  private final Function<String, String> environment;

  /**
   * @param configured the {@code wildcardCertificate} of {@code owner/repo} in the current settings
   *     (empty: none); null when the repository is not configured
   * @param environment resolves {@code ${env:NAME}}; null for an unset variable
   */
  public WildcardCertificates(
      Function<String, Optional<WildcardCertificate>> configured,
      Function<String, String> environment) {
    this.configured = Objects.requireNonNull(configured, "configured");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** A PEM certificate (chain) and its key; {@link #toString()} shows neither. */
  public record Pem(String certificate, String key) {
    @Override
    public String toString() {
      return "Pem[certificate=" + certificate.length() + " chars, key=***]";
    }
  }

  /** Why the certificate cannot be read; the message names the source, never its content. */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message) {
      super(message);
    }
  }

  public Pem of(String repository) {
    Optional<WildcardCertificate> found = configured.apply(repository);
    if (found == null) {
      throw new UnavailableException(repository + " is not in the repositories file");
    }
    WildcardCertificate wildcard =
        found.orElseThrow(
            () ->
                new UnavailableException(
                    repository + " has no wildcardCertificate in the repositories file"));
    return new Pem(
        read(repository, "certificate", wildcard.certificate()),
        read(repository, "key", wildcard.key()));
  }

  private String read(String repository, String field, String source) {
    String where = repository + ": wildcardCertificate." + field;
    if (source == null || source.isBlank()) {
      throw new UnavailableException(where + " is not set");
    }
    Matcher reference = ENV_REFERENCE.matcher(source);
    String text;
    if (reference.matches()) {
      text = environment.apply(reference.group(1));
      if (text == null || text.isBlank()) {
        throw new UnavailableException(
            where
                + " refers to the environment variable "
                + reference.group(1)
                + ", which is not set");
      }
    } else {
      try {
        text = Files.readString(Path.of(source), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new UnavailableException(
            where + ": cannot read " + source + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (!text.contains("-----BEGIN")) {
      throw new UnavailableException(where + " (" + describe(source) + ") holds no PEM block");
    }
    return text.strip() + "\n";
  }

  private static String describe(String source) {
    return source.startsWith("${") ? source : "file " + source;
  }
}
