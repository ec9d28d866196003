package dev.forgepreview.activities.http;

import okhttp3.OkHttpClient;

/**
 * The process's one {@link OkHttpClient}. The Forge client, the GitHub client and the health check
 * each derive theirs with {@code newBuilder()} (own timeouts and redirect rules), so all of them
 * share one connection pool and one dispatcher, as OkHttp recommends.
 */
public final class SharedHttpClient {
  private static final OkHttpClient ROOT = new OkHttpClient();

  private SharedHttpClient() {}

  public static OkHttpClient root() {
    return ROOT;
  }
}
