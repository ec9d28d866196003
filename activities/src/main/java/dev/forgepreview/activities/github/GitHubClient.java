package dev.forgepreview.activities.github;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.forgepreview.activities.github.GitHubModels.Account;
import dev.forgepreview.activities.github.GitHubModels.App;
import dev.forgepreview.activities.github.GitHubModels.CollaboratorPermission;
import dev.forgepreview.activities.github.GitHubModels.ContentFile;
import dev.forgepreview.activities.github.GitHubModels.Deployment;
import dev.forgepreview.activities.github.GitHubModels.DeploymentStatus;
import dev.forgepreview.activities.github.GitHubModels.ErrorBody;
import dev.forgepreview.activities.github.GitHubModels.Hook;
import dev.forgepreview.activities.github.GitHubModels.HookDelivery;
import dev.forgepreview.activities.github.GitHubModels.HookRequest;
import dev.forgepreview.activities.github.GitHubModels.Installation;
import dev.forgepreview.activities.github.GitHubModels.InstallationToken;
import dev.forgepreview.activities.github.GitHubModels.IssueComment;
import dev.forgepreview.activities.github.GitHubModels.NewComment;
import dev.forgepreview.activities.github.GitHubModels.NewDeployment;
import dev.forgepreview.activities.github.GitHubModels.NewDeploymentStatus;
import dev.forgepreview.activities.github.GitHubModels.PullRequest;
import dev.forgepreview.activities.github.GitHubModels.TokenInfo;
import dev.forgepreview.activities.github.GitHubModels.User;
import dev.forgepreview.activities.http.RetryAfter;
import dev.forgepreview.activities.http.SharedHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The GitHub REST calls forge-preview makes. One {@link OkHttpClient}, built once; every call sends
 * the API version and media type headers and the credentials' {@code Authorization}. Non-2xx
 * answers become {@link GitHubHttpException}, unreadable ones {@link GitHubBadResponseException};
 * transport failures stay {@link IOException}. Thread-safe.
 */
public final class GitHubClient {
  public static final String API_VERSION = "2022-11-28";
  public static final String USER_AGENT = "forge-preview";

  static final Duration DEFAULT_RATE_LIMIT_DELAY = Duration.ofSeconds(60);

  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_ERROR_MESSAGE = 200;
  private static final long MAX_ERROR_BODY = 16 * 1024;

  private final HttpUrl baseUrl;
  private final GitHubCredentials credentials;
  private final OkHttpClient http;
  private final Clock clock;
  private final int maxCommentPages;
  private final ObjectMapper json;

  public GitHubClient(GitHubConfig config, GitHubCredentials credentials) {
    this(config, credentials, SharedHttpClient.root(), Clock.systemUTC());
  }

  /**
   * @param http a shared client to derive from (its pool and dispatcher are reused)
   * @param clock to turn {@code X-RateLimit-Reset} into a delay
   */
  public GitHubClient(
      GitHubConfig config, GitHubCredentials credentials, OkHttpClient http, Clock clock) {
    Objects.requireNonNull(config, "config");
    String base = config.apiUrl().endsWith("/") ? config.apiUrl() : config.apiUrl() + "/";
    this.baseUrl = Objects.requireNonNull(HttpUrl.parse(base), "apiUrl");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxCommentPages = config.maxCommentPages();
    this.http =
        Objects.requireNonNull(http, "http")
            .newBuilder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.readTimeout())
            .followRedirects(true)
            .followSslRedirects(false)
            .build();
    this.json =
        new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** The login our comments are written under (see {@link GitHubCredentials#botLogin}). */
  public String botLogin() throws IOException, GitHubException {
    return credentials.botLogin(this);
  }

  /** {@code GET /repos/{owner}/{repo}/pulls/{number}}. */
  public PullRequest getPullRequest(String owner, String repo, int number)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "pulls", Integer.toString(number));
    return send(owner, repo, "GET", url, null, new TypeReference<PullRequest>() {}).body();
  }

  /**
   * {@code GET /repos/{owner}/{repo}/contents/{path}?ref={ref}}: the file's bytes at exactly that
   * commit; empty when GitHub answers 404 (no such file at that commit).
   *
   * @throws GitHubBadResponseException when the path is not a file or GitHub sends no content
   */
  public Optional<byte[]> fileContents(String owner, String repo, String path, String ref)
      throws IOException, GitHubException {
    HttpUrl.Builder builder = url("repos", owner, repo, "contents").newBuilder();
    for (String segment : path.split("/")) {
      builder.addPathSegment(segment);
    }
    HttpUrl url = builder.addQueryParameter("ref", ref).build();
    ContentFile file;
    try {
      file = send(owner, repo, "GET", url, null, new TypeReference<ContentFile>() {}).body();
    } catch (GitHubHttpException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    String call = "GET " + url.encodedPath();
    if (!"file".equals(file.type())) {
      throw new GitHubBadResponseException(call + " is not a file (" + file.type() + ")");
    }
    if (!"base64".equals(file.encoding()) || file.content() == null) {
      throw new GitHubBadResponseException(
          call + " returned no content (encoding " + file.encoding() + ", the file is too large)");
    }
    try {
      return Optional.of(java.util.Base64.getMimeDecoder().decode(file.content()));
    } catch (IllegalArgumentException e) {
      throw new GitHubBadResponseException(call + " returned content that is not base64");
    }
  }

  /**
   * The first comment on the issue or pull request that matches, following {@code Link: rel="next"}
   * over pages of 100, up to the configured number of pages.
   */
  public Optional<IssueComment> findIssueComment(
      String owner, String repo, int number, CommentMatcher matches)
      throws IOException, GitHubException {
    HttpUrl url =
        url("repos", owner, repo, "issues", Integer.toString(number), "comments")
            .newBuilder()
            .addQueryParameter("per_page", "100")
            .build();
    TypeReference<List<IssueComment>> listType = new TypeReference<>() {};
    for (int page = 0; url != null && page < maxCommentPages; page++) {
      Page<List<IssueComment>> answer = send(owner, repo, "GET", url, null, listType);
      for (IssueComment comment : answer.body()) {
        if (comment != null && comment.id() != null && matches.test(comment)) {
          return Optional.of(comment);
        }
      }
      url = answer.next();
    }
    return Optional.empty();
  }

  /** {@code POST /repos/{owner}/{repo}/issues/{number}/comments}. */
  public IssueComment createIssueComment(String owner, String repo, int number, String body)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "issues", Integer.toString(number), "comments");
    IssueComment created =
        send(owner, repo, "POST", url, new NewComment(body), new TypeReference<IssueComment>() {})
            .body();
    return requireId(created, created.id(), "POST", url);
  }

  /** {@code PATCH /repos/{owner}/{repo}/issues/comments/{id}}. */
  public IssueComment updateIssueComment(String owner, String repo, long commentId, String body)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "issues", "comments", Long.toString(commentId));
    return send(
            owner, repo, "PATCH", url, new NewComment(body), new TypeReference<IssueComment>() {})
        .body();
  }

  /** The newest deployment of {@code sha} in {@code environment}, if any. */
  public Optional<Deployment> findDeployment(
      String owner, String repo, String sha, String environment)
      throws IOException, GitHubException {
    HttpUrl url =
        url("repos", owner, repo, "deployments")
            .newBuilder()
            .addQueryParameter("sha", sha)
            .addQueryParameter("environment", environment)
            .addQueryParameter("per_page", "100")
            .build();
    List<Deployment> deployments =
        send(owner, repo, "GET", url, null, new TypeReference<List<Deployment>>() {}).body();
    return deployments.stream()
        .filter(d -> d != null && d.id() != null)
        .filter(d -> d.sha() == null || d.sha().equalsIgnoreCase(sha))
        .filter(d -> d.environment() == null || d.environment().equals(environment))
        .findFirst();
  }

  /** {@code POST /repos/{owner}/{repo}/deployments}. */
  public Deployment createDeployment(String owner, String repo, NewDeployment deployment)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "deployments");
    Deployment created =
        send(owner, repo, "POST", url, deployment, new TypeReference<Deployment>() {}).body();
    return requireId(created, created.id(), "POST", url);
  }

  /** The newest status of a deployment (GitHub lists them newest first), if any. */
  public Optional<DeploymentStatus> latestDeploymentStatus(
      String owner, String repo, long deploymentId) throws IOException, GitHubException {
    HttpUrl url =
        url("repos", owner, repo, "deployments", Long.toString(deploymentId), "statuses")
            .newBuilder()
            .addQueryParameter("per_page", "1")
            .build();
    List<DeploymentStatus> statuses =
        send(owner, repo, "GET", url, null, new TypeReference<List<DeploymentStatus>>() {}).body();
    return statuses.stream().filter(s -> s != null && s.state() != null).findFirst();
  }

  /** {@code POST /repos/{owner}/{repo}/deployments/{id}/statuses}. */
  public DeploymentStatus createDeploymentStatus(
      String owner, String repo, long deploymentId, NewDeploymentStatus status)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "deployments", Long.toString(deploymentId), "statuses");
    return send(owner, repo, "POST", url, status, new TypeReference<DeploymentStatus>() {}).body();
  }

  /**
   * {@code GET /repos/{owner}/{repo}/collaborators/{login}/permission}; empty when GitHub answers
   * 404 (the login is no collaborator and the repository is not readable to them).
   */
  public Optional<CollaboratorPermission> collaboratorPermission(
      String owner, String repo, String login) throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "collaborators", login, "permission");
    try {
      return Optional.of(
          send(owner, repo, "GET", url, null, new TypeReference<CollaboratorPermission>() {})
              .body());
    } catch (GitHubHttpException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code GET /user} with a token: the login it belongs to. */
  String authenticatedLogin(String authorization) throws IOException, GitHubException {
    HttpUrl url = url("user");
    Account user =
        exchange(request("GET", url, null, authorization), new TypeReference<Account>() {}).body();
    if (user.login() == null || user.login().isBlank()) {
      throw new GitHubBadResponseException("GET /user returned no login");
    }
    return user.login();
  }

  /** {@code GET /app}, authenticated as the App: its slug. */
  String appSlug(String jwt) throws IOException, GitHubException {
    HttpUrl url = url("app");
    App app =
        exchange(request("GET", url, null, "Bearer " + jwt), new TypeReference<App>() {}).body();
    if (app.slug() == null || app.slug().isBlank()) {
      throw new GitHubBadResponseException("GET /app returned no slug");
    }
    return app.slug();
  }

  // ---- webhooks and credentials, for the operator CLI (setup, doctor)

  /** {@code GET /repos/{owner}/{repo}/hooks}: the repository's webhooks (the first 100). */
  public List<Hook> listHooks(String owner, String repo) throws IOException, GitHubException {
    HttpUrl url =
        url("repos", owner, repo, "hooks")
            .newBuilder()
            .addQueryParameter("per_page", "100")
            .build();
    return send(owner, repo, "GET", url, null, new TypeReference<List<Hook>>() {}).body();
  }

  /** {@code POST /repos/{owner}/{repo}/hooks}. */
  public Hook createHook(String owner, String repo, HookRequest hook)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "hooks");
    return send(owner, repo, "POST", url, hook, new TypeReference<Hook>() {}).body();
  }

  /** {@code PATCH /repos/{owner}/{repo}/hooks/{id}}. */
  public Hook updateHook(String owner, String repo, long hookId, HookRequest hook)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "hooks", Long.toString(hookId));
    return send(owner, repo, "PATCH", url, hook, new TypeReference<Hook>() {}).body();
  }

  /** {@code GET /repos/{owner}/{repo}/hooks/{id}/deliveries}: the newest deliveries first. */
  public List<HookDelivery> listHookDeliveries(String owner, String repo, long hookId, int perPage)
      throws IOException, GitHubException {
    HttpUrl url =
        url("repos", owner, repo, "hooks", Long.toString(hookId), "deliveries")
            .newBuilder()
            .addQueryParameter("per_page", Integer.toString(perPage))
            .build();
    return send(owner, repo, "GET", url, null, new TypeReference<List<HookDelivery>>() {}).body();
  }

  /** {@code GET /app/hook/deliveries}, authenticated as the App: its webhook's deliveries. */
  public List<HookDelivery> listAppHookDeliveries(String jwt, int perPage)
      throws IOException, GitHubException {
    HttpUrl url =
        url("app", "hook", "deliveries")
            .newBuilder()
            .addQueryParameter("per_page", Integer.toString(perPage))
            .build();
    return exchange(
            request("GET", url, null, "Bearer " + jwt), new TypeReference<List<HookDelivery>>() {})
        .body();
  }

  /**
   * {@code GET /user} with the credentials used for {@code owner/repo}: the login and the classic
   * token's scopes from {@code X-OAuth-Scopes} (null when GitHub sends none: fine-grained tokens
   * and App installation tokens).
   */
  public TokenInfo tokenInfo(String owner, String repo) throws IOException, GitHubException {
    HttpUrl url = url("user");
    Request request = request("GET", url, null, credentials.authorization(this, owner, repo));
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw toException("GET /user", response);
      }
      User user;
      try (InputStream in = response.body().byteStream()) {
        user = json.readValue(in, User.class);
      } catch (JsonProcessingException e) {
        throw new GitHubBadResponseException(
            "GET /user returned a body that is not the expected JSON");
      }
      String header = response.header("X-OAuth-Scopes");
      List<String> scopes =
          header == null
              ? null
              : java.util.Arrays.stream(header.split(","))
                  .map(String::strip)
                  .filter(scope -> !scope.isEmpty())
                  .toList();
      return new TokenInfo(user == null ? null : user.login(), scopes);
    }
  }

  /** {@code GET /repos/{owner}/{repo}/installation}, authenticated as the App. */
  public long findInstallationId(String jwt, String owner, String repo)
      throws IOException, GitHubException {
    HttpUrl url = url("repos", owner, repo, "installation");
    Installation installation =
        exchange(request("GET", url, null, "Bearer " + jwt), new TypeReference<Installation>() {})
            .body();
    return requireId(installation, installation.id(), "GET", url).id();
  }

  /** {@code POST /app/installations/{id}/access_tokens}, authenticated as the App. */
  InstallationToken createInstallationToken(String jwt, long installationId)
      throws IOException, GitHubException {
    HttpUrl url = url("app", "installations", Long.toString(installationId), "access_tokens");
    InstallationToken token =
        exchange(
                request("POST", url, null, "Bearer " + jwt),
                new TypeReference<InstallationToken>() {})
            .body();
    if (token.token() == null || token.token().isBlank()) {
      throw new GitHubBadResponseException("POST " + url.encodedPath() + " returned no token");
    }
    return token;
  }

  private <T> Page<T> send(
      String owner, String repo, String method, HttpUrl url, Object body, TypeReference<T> type)
      throws IOException, GitHubException {
    String authorization = credentials.authorization(this, owner, repo);
    try {
      return exchange(request(method, url, body, authorization), type);
    } catch (GitHubHttpException e) {
      if (e.status() == 401) {
        credentials.rejected(authorization);
      }
      throw e;
    }
  }

  private Request request(String method, HttpUrl url, Object body, String authorization)
      throws GitHubException {
    RequestBody requestBody = null;
    if (body != null) {
      try {
        requestBody = RequestBody.create(json.writeValueAsBytes(body), JSON_TYPE);
      } catch (JsonProcessingException e) {
        throw new GitHubException("cannot write the body of " + method + " " + url.encodedPath());
      }
    } else if (!"GET".equals(method)) {
      requestBody = RequestBody.create(new byte[0], JSON_TYPE);
    }
    return new Request.Builder()
        .url(url)
        .method(method, requestBody)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", API_VERSION)
        .header("User-Agent", USER_AGENT)
        .header("Authorization", authorization)
        .build();
  }

  private <T> Page<T> exchange(Request request, TypeReference<T> type)
      throws IOException, GitHubException {
    String call = request.method() + " " + request.url().encodedPath();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw toException(call, response);
      }
      ResponseBody body = response.body();
      T value;
      try (InputStream in = body.byteStream()) {
        value = json.readValue(in, type);
      } catch (JsonProcessingException e) {
        // Jackson's message quotes the input, which may be a token: name only the call.
        throw new GitHubBadResponseException(
            call + " returned a body that is not the expected JSON");
      }
      if (value == null) {
        throw new GitHubBadResponseException(call + " returned an empty body");
      }
      return new Page<>(value, nextPage(call, response.header("Link")));
    }
  }

  private GitHubHttpException toException(String call, Response response) {
    int status = response.code();
    String message = errorMessage(response);
    Duration retryAfter = RetryAfter.parse(response.header("Retry-After"), clock).orElse(null);
    Duration untilReset = null;
    if ("0".equals(response.header("X-RateLimit-Remaining"))) {
      untilReset = RetryAfter.untilReset(response.header("X-RateLimit-Reset"), clock).orElse(null);
    }
    boolean rateLimited =
        status == 429
            || (status == 403
                && (retryAfter != null
                    || untilReset != null
                    || message.toLowerCase(Locale.ROOT).contains("rate limit")));
    Duration delay = retryAfter != null ? retryAfter : untilReset;
    if (rateLimited && delay == null) {
      delay = DEFAULT_RATE_LIMIT_DELAY;
    }
    String text = call + " answered " + status + (message.isEmpty() ? "" : ": " + message);
    return new GitHubHttpException(text, status, rateLimited, delay);
  }

  private String errorMessage(Response response) {
    try {
      String body = response.peekBody(MAX_ERROR_BODY).string();
      ErrorBody error = json.readValue(body, ErrorBody.class);
      return error == null || error.message() == null ? "" : safeText(error.message());
    } catch (IOException e) {
      return "";
    }
  }

  private static String safeText(String text) {
    String cleaned = text.replaceAll("\\p{Cntrl}", " ").strip();
    return cleaned.length() <= MAX_ERROR_MESSAGE
        ? cleaned
        : cleaned.substring(0, MAX_ERROR_MESSAGE) + "…";
  }

  /**
   * The {@code rel="next"} URL of a {@code Link} header. It must stay on the API's origin: the
   * credentials are sent with it.
   */
  private HttpUrl nextPage(String call, String link) throws GitHubBadResponseException {
    if (link == null) {
      return null;
    }
    for (String part : link.split(",")) {
      String[] pieces = part.split(";");
      String target = pieces[0].trim();
      boolean next = false;
      for (int i = 1; i < pieces.length; i++) {
        String param = pieces[i].trim().replace(" ", "");
        next |= param.equals("rel=\"next\"") || param.equals("rel=next");
      }
      if (!next) {
        continue;
      }
      HttpUrl url =
          target.startsWith("<") && target.endsWith(">")
              ? HttpUrl.parse(target.substring(1, target.length() - 1))
              : null;
      if (url == null
          || !url.scheme().equals(baseUrl.scheme())
          || !url.host().equals(baseUrl.host())
          || url.port() != baseUrl.port()) {
        throw new GitHubBadResponseException(call + " returned a next-page link off the API");
      }
      return url;
    }
    return null;
  }

  private HttpUrl url(String... segments) {
    // The base ends in '/', whose empty last segment the first added segment replaces.
    HttpUrl.Builder builder = baseUrl.newBuilder();
    for (String segment : segments) {
      builder.addPathSegment(Objects.requireNonNull(segment, "path segment"));
    }
    return builder.build();
  }

  private static <T> T requireId(T value, Long id, String method, HttpUrl url)
      throws GitHubBadResponseException {
    if (id == null) {
      throw new GitHubBadResponseException(method + " " + url.encodedPath() + " returned no id");
    }
    return value;
  }

  @Override
  public String toString() {
    return "GitHubClient[" + baseUrl + ", " + credentials + "]";
  }

  private record Page<T>(T body, HttpUrl next) {}

  /** The client this one derived, for tests of the shared pool. */
  OkHttpClient http() {
    return http;
  }

  /** A test of a comment that may itself ask GitHub (who we are). */
  @FunctionalInterface
  public interface CommentMatcher {
    boolean test(IssueComment comment) throws IOException, GitHubException;
  }
}
