package dev.forgepreview.activities.github;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Where and how the GitHub client talks to the API.
 *
 * @param apiUrl the REST API root; {@link #DEFAULT_API_URL} for github.com, {@code
 *     https://HOST/api/v3} for GitHub Enterprise Server
 * @param connectTimeout TCP and TLS connect timeout
 * @param readTimeout timeout of each read and write
 * @param maxCommentPages how many pages of 100 comments are searched for the preview's comment
 */
public record GitHubConfig(
    String apiUrl, Duration connectTimeout, Duration readTimeout, int maxCommentPages) {

  public static final String DEFAULT_API_URL = "https://api.github.com";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_COMMENT_PAGES = 50;

  /** Environment variable overriding {@link #DEFAULT_API_URL}. */
  public static final String ENV_API_URL = "GITHUB_API_URL";

  public GitHubConfig {
    Objects.requireNonNull(apiUrl, "apiUrl");
    if (HttpUrl.parse(apiUrl) == null) {
      throw new IllegalArgumentException("the GitHub API URL is not an http(s) URL");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (maxCommentPages < 1) {
      throw new IllegalArgumentException("maxCommentPages must be positive");
    }
  }

  public static GitHubConfig defaults() {
    return withApiUrl(DEFAULT_API_URL);
  }

  public static GitHubConfig withApiUrl(String apiUrl) {
    return new GitHubConfig(
        apiUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_COMMENT_PAGES);
  }

  /** {@code GITHUB_API_URL} if set, else the defaults. */
  public static GitHubConfig fromEnvironment(Map<String, String> env) {
    String url = env.get(ENV_API_URL);
    return withApiUrl(url == null || url.isBlank() ? DEFAULT_API_URL : url.trim());
  }
}
