package dev.forgepreview.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge-preview credentials}: the password the worker gives a protected preview. */
class CredentialsCommandTest {
  private static final String KEY = "credentials-test-key-0123456789";
  private static final String REPOSITORIES =
      """
      defaults:
        domain: preview.acme.dev
        server: {credentialId: 1}
      repositories:
        acme/shop:
          basicAuth: {username: preview}
        acme/blog:
          basicAuth: {username: team, password: "${env:BLOG_PREVIEW_PASSWORD}"}
        acme/open: {}
      """;

  @TempDir Path dir;
  private Map<String, String> env;

  @BeforeEach
  void writeFile() throws Exception {
    Path file = dir.resolve("repositories.yaml");
    Files.writeString(file, REPOSITORIES);
    env = new HashMap<>();
    env.put("FORGE_PREVIEW_REPOSITORIES_FILE", file.toString());
    env.put("PREVIEW_SECRET_KEY", KEY);
    env.put("BLOG_PREVIEW_PASSWORD", "blog-password-from-env");
  }

  @Test
  void derivedPasswordIsTheOneTheWorkerGivesThePreview() throws Exception {
    String expected = PreviewSecrets.fromString(KEY).basicAuthPassword("preview:acme:shop:42");

    Cli.Result text = Cli.run(env, "credentials", "42", "--repo", "acme/shop");
    Cli.Result json = Cli.run(env, "credentials", "42", "--repo", "acme/shop", "--output", "json");

    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).containsPattern("user: +preview").contains("password: " + expected);
    JsonNode node = new ObjectMapper().readTree(json.out());
    assertThat(node.path("previewId").asText()).isEqualTo("preview:acme:shop:42");
    assertThat(node.path("username").asText()).isEqualTo("preview");
    assertThat(node.path("password").asText()).isEqualTo(expected);
    // Each preview has its own.
    assertThat(Cli.run(env, "credentials", "43", "--repo", "acme/shop").out())
        .doesNotContain(expected);
  }

  @Test
  void configuredPasswordIsReadFromTheEnvironment() {
    Cli.Result result = Cli.run(env, "credentials", "7", "--repo", "acme/blog");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).containsPattern("user: +team").contains("blog-password-from-env");
  }

  @Test
  void openRepositoryMissingVariableAndMissingKeyAreReported() {
    Cli.Result open = Cli.run(env, "credentials", "7", "--repo", "acme/open");
    assertThat(open.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(open.err()).contains("acme/open puts no basic auth");

    env.remove("BLOG_PREVIEW_PASSWORD");
    Cli.Result unset = Cli.run(env, "credentials", "7", "--repo", "acme/blog");
    assertThat(unset.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(unset.err()).contains("BLOG_PREVIEW_PASSWORD", "not set");

    env.remove("PREVIEW_SECRET_KEY");
    Cli.Result noKey = Cli.run(env, "credentials", "7", "--repo", "acme/shop");
    assertThat(noKey.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(noKey.out()).isEmpty();
  }
}
