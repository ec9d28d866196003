package dev.forgepreview.activities.github;

import dev.forgepreview.activities.forge.PreviewFileValues;
import dev.forgepreview.activities.github.PreviewFile.InvalidPreviewFileException;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices;
import dev.forgepreview.workflows.activities.ForgeActivities.PreviewFileEnvironment;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a repository's preview file at one commit over GitHub's contents API. The one reader: the
 * GitHub activity reads the file for the workflow (keys and commands), the Forge activity that
 * writes the environment reads it again for the values, so no value travels through history.
 */
public final class PreviewFiles
    implements PreviewFileValues, dev.forgepreview.activities.compose.PreviewFileServices {
  private static final Pattern REPOSITORY =
      Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private final GitHubClient client;

  public PreviewFiles(GitHubClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** The parsed file, empty when it does not exist at {@code sha}. */
  Optional<PreviewFile> read(String owner, String repo, String path, String sha)
      throws IOException, GitHubException, InvalidPreviewFileException {
    Optional<byte[]> content = fetch(owner, repo, path, sha);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(PreviewFile.parse(path, content.get()));
  }

  Optional<byte[]> fetch(String owner, String repo, String path, String sha)
      throws IOException, GitHubException {
    checkPath(path);
    if (sha == null || !SHA.matcher(sha).matches()) {
      throw GitHubFailures.invalidInput("the preview file's commit is not a commit sha");
    }
    return client.fileContents(owner, repo, path, sha);
  }

  static void checkPath(String path) {
    if (path == null
        || !PATH.matcher(path).matches()
        || List.of(path.split("/")).stream().anyMatch(p -> p.equals("..") || p.equals("."))) {
      throw GitHubFailures.invalidInput("the preview file's path is not a relative path");
    }
  }

  @Override
  public Map<String, String> environment(PreviewFileEnvironment ref) {
    if (ref.repository() == null || !REPOSITORY.matcher(ref.repository()).matches()) {
      throw GitHubFailures.invalidInput("the preview file's repository is not owner/repo");
    }
    String[] name = ref.repository().split("/", 2);
    Optional<PreviewFile> file;
    try {
      file = read(name[0], name[1], ref.path(), ref.sha());
    } catch (InvalidPreviewFileException e) {
      throw dev.forgepreview.workflows.ActivityFailures.of(
          FailureType.INVALID_INPUT, e.getMessage());
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
    if (file.isEmpty()) {
      // The commit is immutable: the file was there when the workflow read it.
      throw GitHubFailures.invalidInput(
          ref.path() + " is gone at " + ref.sha() + " although it was read before");
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> keys = ref.keys() == null ? List.of() : ref.keys();
    for (String key : keys) {
      String value = file.get().environment().get(key);
      if (value != null) {
        values.put(key, value);
      }
    }
    return values;
  }

  @Override
  public Map<String, PreviewFile.Service> services(PreviewServices ref) {
    if (ref.repository() == null || !REPOSITORY.matcher(ref.repository()).matches()) {
      throw GitHubFailures.invalidInput("the preview file's repository is not owner/repo");
    }
    String[] name = ref.repository().split("/", 2);
    Optional<PreviewFile> file;
    try {
      file = read(name[0], name[1], ref.path(), ref.sha());
    } catch (InvalidPreviewFileException e) {
      throw dev.forgepreview.workflows.ActivityFailures.of(
          FailureType.INVALID_INPUT, e.getMessage());
    } catch (GitHubException e) {
      throw GitHubFailures.from(e);
    } catch (IOException e) {
      throw GitHubFailures.from(e);
    }
    if (file.isEmpty()) {
      throw GitHubFailures.invalidInput(
          ref.path() + " is gone at " + ref.sha() + " although it was read before");
    }
    List<String> names = ref.names() == null ? List.of() : ref.names();
    Map<String, PreviewFile.Service> services = file.get().services();
    if (!List.copyOf(services.keySet()).equals(names)) {
      // The commit is immutable: a different answer is not the file the workflow read.
      throw GitHubFailures.invalidInput(
          ref.path() + " at " + ref.sha() + " does not hold the services read before");
    }
    return services;
  }
}
