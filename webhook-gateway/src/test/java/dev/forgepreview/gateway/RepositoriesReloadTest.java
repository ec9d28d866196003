package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.GitHub.Answer;
import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.settings.RepositoriesFile.Outcome;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway picks up an edited repositories file without a restart (its watcher, as configured in
 * production but checking every 50 ms), and keeps the settings it had when an edit is invalid.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoriesReloadTest implements TestPropertyProvider {
  private static final String BEFORE =
      """
      defaults: {domain: previews.acme.example}
      repositories:
        acme/shop: {trigger: auto}
      """;
  private static final String AFTER =
      """
      defaults: {domain: previews.acme.example}
      repositories:
        acme/shop: {trigger: auto}
        acme/blog: {trigger: auto}
      """;

  private final Path file;

  @Inject
  @Client("/")
  HttpClient http;

  @Inject RepositoriesFile repositories;

  RepositoriesReloadTest() {
    try {
      file = Files.createTempFile("repositories", ".yaml");
      Files.writeString(file, BEFORE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, String> getProperties() {
    return Map.of(
        "forge-preview.repositories.file",
        file.toString(),
        "forge-preview.repositories.reload-interval",
        "50ms");
  }

  @Test
  void aValidEditIsPickedUpAndAnInvalidOneKeepsTheSettingsInForce() throws IOException {
    assertThat(open("blog").status()).isEqualTo(403);

    Files.writeString(file, AFTER);
    // The watcher's own thread applies the edit: wait (bounded) for the effect, no fixed sleep.
    GitHub.eventually(() -> repositories.get().find("acme", "blog").isPresent());
    Answer started = open("blog");
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.field("action")).isEqualTo("started");

    Files.writeString(
        file, AFTER.replace("trigger: auto}\n  acme/blog", "trigger: sometimes}\n  acme/blog"));
    // The same step the watcher runs; the watcher may have got there first and refused it too.
    assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
    assertThat(open("blog").field("action")).isEqualTo("started");
    assertThat(open("other").status()).isEqualTo(403);

    Files.delete(file);
    assertThat(repositories.reload()).isEqualTo(Outcome.REFUSED);
    assertThat(repositories.get().find("acme", "shop")).isPresent();
  }

  private Answer open(String repo) {
    return new GitHub(http)
        .deliver(
            "pull_request",
            Payloads.load("pull_request.opened")
                .repository("acme", repo)
                .number(Payloads.nextNumber())
                .bytes());
  }
}
