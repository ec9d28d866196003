package dev.forgepreview.activities.github;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * GitHub's pull request and contents endpoints for one repository on a MockWebServer, answering
 * with the shapes GitHub sends: the pull request's {@code head.repo.full_name}, a file's content in
 * base64 wrapped at 60 characters, 404 {@code Not Found} for a file missing at a commit.
 */
public final class FakeGitHubRepository extends Dispatcher {
  private final String repository;
  private final int number;
  private volatile String headRepository;
  private final Map<String, String> files = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  public FakeGitHubRepository(String repository, int number) {
    this.repository = repository;
    this.number = number;
    this.headRepository = repository;
  }

  /** The file {@code path} at commit {@code sha}. */
  public FakeGitHubRepository file(String sha, String path, String content) {
    files.put(sha + ":" + path, content);
    return this;
  }

  /** The pull request comes from {@code fork} ({@code owner/repo}); null: a deleted fork. */
  public FakeGitHubRepository fromFork(String fork) {
    headRepository = fork;
    return this;
  }

  /** The requests' paths with their query, in order. */
  public List<String> requested() {
    return List.copyOf(requested);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    okhttp3.HttpUrl url = request.getUrl();
    String path = url.encodedPath();
    requested.add(path + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery()));
    String base = "/repos/" + repository;
    if (path.equals(base + "/pulls/" + number)) {
      String repo =
          headRepository == null
              ? "null"
              : "{\"id\": 2, \"full_name\": \"" + headRepository + "\"}";
      return json(
          200,
          "{\"number\": "
              + number
              + ", \"state\": \"open\", \"head\": {\"ref\": \"feature\", \"sha\":"
              + " \"0123456789abcdef0123456789abcdef01234567\", \"repo\": "
              + repo
              + "}, \"base\": {\"ref\": \"main\", \"repo\": {\"id\": 1, \"full_name\": \""
              + repository
              + "\"}}}");
    }
    String contents = base + "/contents/";
    if (path.startsWith(contents)) {
      String file = path.substring(contents.length());
      String content = files.get(url.queryParameter("ref") + ":" + file);
      if (content == null) {
        return json(
            404,
            "{\"message\": \"Not Found\", \"documentation_url\":"
                + " \"https://docs.github.com/rest/repos/contents#get-repository-content\","
                + " \"status\": \"404\"}");
      }
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      String encoded =
          Base64.getMimeEncoder(60, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes)
              + "\n";
      return json(
          200,
          "{\"type\": \"file\", \"encoding\": \"base64\", \"size\": "
              + bytes.length
              + ", \"name\": \""
              + file
              + "\", \"path\": \""
              + file
              + "\", \"content\": \""
              + encoded.replace("\n", "\\n")
              + "\", \"sha\": \"3d21ec53a331a6f037a91c368710b99387d012c1\"}");
    }
    return json(404, "{\"message\": \"Not Found\"}");
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .body(body)
        .build();
  }
}
