package dev.forgepreview.activities.forge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.forgepreview.activities.forge.Forge.Certificate;
import dev.forgepreview.activities.forge.Forge.Database;
import dev.forgepreview.activities.forge.Forge.DatabaseUser;
import dev.forgepreview.activities.forge.Forge.Deployment;
import dev.forgepreview.activities.forge.Forge.GitRepository;
import dev.forgepreview.activities.forge.Forge.Identified;
import dev.forgepreview.activities.forge.Forge.NewCertificate;
import dev.forgepreview.activities.forge.Forge.NewDatabase;
import dev.forgepreview.activities.forge.Forge.NewDatabaseUser;
import dev.forgepreview.activities.forge.Forge.NewSecurityRule;
import dev.forgepreview.activities.forge.Forge.NewServer;
import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.forge.Forge.NewSiteCommand;
import dev.forgepreview.activities.forge.Forge.NewWorker;
import dev.forgepreview.activities.forge.Forge.SecurityRule;
import dev.forgepreview.activities.forge.Forge.Server;
import dev.forgepreview.activities.forge.Forge.Site;
import dev.forgepreview.activities.forge.Forge.SiteCommand;
import dev.forgepreview.activities.forge.Forge.SiteCommandOutput;
import dev.forgepreview.activities.forge.Forge.Worker;
import dev.forgepreview.activities.http.RetryAfter;
import dev.forgepreview.activities.http.SharedHttpClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Forge v1 API over OkHttp and Jackson: one instance per process, thread-safe. Every call
 * either returns a typed value or throws a {@link ForgeException}; it never retries (a 429 from
 * Forge says how long to wait, the caller decides). While Forge's answers say the token's budget is
 * spent ({@link ForgeRequestBudget}), a request waits for its turn, up to the configuration's
 * {@code budgetPatience}; past that it is not sent, and the call fails as a 429 would, with the
 * time until Forge's reset. A request held back was never sent, so waiting for it is safe for every
 * call.
 */
public final class ForgeClient {
  private static final Logger log = LoggerFactory.getLogger(ForgeClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final Duration DEFAULT_RATE_LIMIT_DELAY = Duration.ofSeconds(60);
  private static final int MAX_MESSAGE_CHARS = 300;

  private final ForgeClientConfig config;
  private final HttpUrl baseUrl;
  private final Clock clock;
  private final OkHttpClient http;
  private final ObjectMapper mapper;
  private final ForgeCallListener listener;
  private final ForgeRequestBudget budget;
  private final Sleeper sleeper;

  /** How a request held back waits (tests on a manual clock advance the clock instead). */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  public ForgeClient(ForgeClientConfig config) {
    this(config, Clock.systemUTC());
  }

  /** {@code clock} turns {@code X-RateLimit-Reset} (a Unix time) into a delay. */
  public ForgeClient(ForgeClientConfig config, Clock clock) {
    this(config, clock, SharedHttpClient.root(), ForgeCallListener.NONE, ForgeClient::pause);
  }

  /** For tests on a manual clock: {@code sleeper} stands for the wait of a held-back request. */
  ForgeClient(ForgeClientConfig config, Clock clock, Sleeper sleeper) {
    this(config, clock, SharedHttpClient.root(), ForgeCallListener.NONE, sleeper);
  }

  /** {@code listener} hears of every request's outcome (the worker counts them). */
  public ForgeClient(ForgeClientConfig config, Clock clock, ForgeCallListener listener) {
    this(config, clock, SharedHttpClient.root(), listener, ForgeClient::pause);
  }

  /**
   * @param http the process's client to derive from (its pool and dispatcher are reused)
   * @param listener hears of every request's outcome (the worker counts them)
   */
  private ForgeClient(
      ForgeClientConfig config,
      Clock clock,
      OkHttpClient http,
      ForgeCallListener listener,
      Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.budget = new ForgeRequestBudget(this.clock);
    this.baseUrl = HttpUrl.get(config.baseUrl());
    this.http =
        Objects.requireNonNull(http, "http")
            .newBuilder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.readTimeout())
            .callTimeout(config.callTimeout())
            .followRedirects(false)
            .build();
    this.mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
  }

  public ForgeClientConfig config() {
    return config;
  }

  /** The client this one derived, for tests of the shared pool. */
  OkHttpClient http() {
    return http;
  }

  // ---- servers

  public List<Server> listServers() {
    return list(get("servers"), "servers", Server.class);
  }

  public Server getServer(long serverId) {
    return one(get("servers/{server}", serverId), "server", Server.class);
  }

  /** The answer's {@code sudo_password} and {@code database_password} are never read. */
  public Server createServer(NewServer server) {
    return one(post("servers", server), "server", Server.class);
  }

  public void deleteServer(long serverId) {
    send(delete("servers/{server}", serverId));
  }

  public Optional<Server> findServerByName(String name) {
    return listServers().stream().filter(s -> name.equals(s.name())).findFirst();
  }

  // ---- sites

  public List<Site> listSites(long serverId) {
    return list(get("servers/{server}/sites", serverId), "sites", Site.class);
  }

  public Site getSite(long serverId, long siteId) {
    return one(get("servers/{server}/sites/{site}", serverId, siteId), "site", Site.class);
  }

  public Site createSite(long serverId, NewSite site) {
    return one(post("servers/{server}/sites", site, serverId), "site", Site.class);
  }

  public void deleteSite(long serverId, long siteId) {
    send(delete("servers/{server}/sites/{site}", serverId, siteId));
  }

  /** The site whose name is {@code domain}, whatever its status (including {@code removing}). */
  public Optional<Site> findSiteByDomain(long serverId, String domain) {
    return listSites(serverId).stream().filter(s -> domain.equalsIgnoreCase(s.name())).findFirst();
  }

  // ---- databases

  public List<Database> listDatabases(long serverId) {
    return list(get("servers/{server}/databases", serverId), "databases", Database.class);
  }

  public Database getDatabase(long serverId, long databaseId) {
    return one(
        get("servers/{server}/databases/{database}", serverId, databaseId),
        "database",
        Database.class);
  }

  public Database createDatabase(long serverId, NewDatabase database) {
    return one(post("servers/{server}/databases", database, serverId), "database", Database.class);
  }

  public void deleteDatabase(long serverId, long databaseId) {
    send(delete("servers/{server}/databases/{database}", serverId, databaseId));
  }

  public Optional<Database> findDatabaseByName(long serverId, String name) {
    return listDatabases(serverId).stream().filter(d -> name.equals(d.name())).findFirst();
  }

  // ---- database users

  public List<DatabaseUser> listDatabaseUsers(long serverId) {
    return list(get("servers/{server}/database-users", serverId), "users", DatabaseUser.class);
  }

  public DatabaseUser getDatabaseUser(long serverId, long userId) {
    return one(
        get("servers/{server}/database-users/{user}", serverId, userId),
        "user",
        DatabaseUser.class);
  }

  public DatabaseUser createDatabaseUser(long serverId, NewDatabaseUser user) {
    return one(post("servers/{server}/database-users", user, serverId), "user", DatabaseUser.class);
  }

  /** Replaces the user's access with exactly {@code databaseIds}. */
  public DatabaseUser updateDatabaseUserDatabases(
      long serverId, long userId, List<Long> databaseIds) {
    return one(
        put(
            "servers/{server}/database-users/{user}",
            new DatabaseAccess(List.copyOf(databaseIds)),
            serverId,
            userId),
        "user",
        DatabaseUser.class);
  }

  public void deleteDatabaseUser(long serverId, long userId) {
    send(delete("servers/{server}/database-users/{user}", serverId, userId));
  }

  public Optional<DatabaseUser> findDatabaseUserByName(long serverId, String name) {
    return listDatabaseUsers(serverId).stream().filter(u -> name.equals(u.name())).findFirst();
  }

  // ---- git, environment

  /**
   * Starts the install; the site's {@code repository_status} tells when it is done. Returns the
   * site Forge answers with (its status as of the call), empty when the answer holds none.
   */
  public Optional<Site> installGitRepository(long serverId, long siteId, GitRepository repository) {
    Answer answer = send(post("servers/{server}/sites/{site}/git", repository, serverId, siteId));
    JsonNode root = parseQuietly(answer.body());
    if (root == null || !root.path("site").isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        checked(answer.call(), read(answer, "site", mapper.constructType(Site.class), true)));
  }

  public String getEnvironmentFile(long serverId, long siteId) {
    return text(send(get("servers/{server}/sites/{site}/env", serverId, siteId)));
  }

  /** Replaces the whole file. The content is never logged nor put in an exception. */
  public void updateEnvironmentFile(long serverId, long siteId, String content) {
    send(
        put(
            "servers/{server}/sites/{site}/env",
            new FileContent(Objects.requireNonNull(content, "content")),
            serverId,
            siteId));
  }

  // ---- workers

  public List<Worker> listWorkers(long serverId, long siteId) {
    return list(
        get("servers/{server}/sites/{site}/workers", serverId, siteId), "workers", Worker.class);
  }

  public Worker getWorker(long serverId, long siteId, long workerId) {
    return one(
        get("servers/{server}/sites/{site}/workers/{worker}", serverId, siteId, workerId),
        "worker",
        Worker.class);
  }

  public Worker createWorker(long serverId, long siteId, NewWorker worker) {
    return one(
        post("servers/{server}/sites/{site}/workers", worker, serverId, siteId),
        "worker",
        Worker.class);
  }

  public void deleteWorker(long serverId, long siteId, long workerId) {
    send(delete("servers/{server}/sites/{site}/workers/{worker}", serverId, siteId, workerId));
  }

  // ---- certificates

  public Certificate obtainLetsEncryptCertificate(
      long serverId, long siteId, List<String> domains) {
    return one(
        post(
            "servers/{server}/sites/{site}/certificates/letsencrypt",
            new LetsEncryptRequest(List.copyOf(domains)),
            serverId,
            siteId),
        "certificate",
        Certificate.class);
  }

  /** {@code POST …/certificates}: e.g. {@code type: existing} with a PEM key and certificate. */
  public Certificate createCertificate(long serverId, long siteId, NewCertificate certificate) {
    return one(
        post("servers/{server}/sites/{site}/certificates", certificate, serverId, siteId),
        "certificate",
        Certificate.class);
  }

  /** {@code POST …/certificates/{id}/activate}: makes the site serve the certificate. */
  public void activateCertificate(long serverId, long siteId, long certificateId) {
    send(
        post(
            "servers/{server}/sites/{site}/certificates/{certificate}/activate",
            null,
            serverId,
            siteId,
            certificateId));
  }

  public List<Certificate> listCertificates(long serverId, long siteId) {
    return list(
        get("servers/{server}/sites/{site}/certificates", serverId, siteId),
        "certificates",
        Certificate.class);
  }

  public Certificate getCertificate(long serverId, long siteId, long certificateId) {
    return one(
        get(
            "servers/{server}/sites/{site}/certificates/{certificate}",
            serverId,
            siteId,
            certificateId),
        "certificate",
        Certificate.class);
  }

  public void deleteCertificate(long serverId, long siteId, long certificateId) {
    send(
        delete(
            "servers/{server}/sites/{site}/certificates/{certificate}",
            serverId,
            siteId,
            certificateId));
  }

  // ---- security rules (basic auth in front of a site)

  public List<SecurityRule> listSecurityRules(long serverId, long siteId) {
    return list(
        get("servers/{server}/sites/{site}/security-rules", serverId, siteId),
        "security_rules",
        SecurityRule.class);
  }

  public SecurityRule getSecurityRule(long serverId, long siteId, long ruleId) {
    return one(
        get("servers/{server}/sites/{site}/security-rules/{rule}", serverId, siteId, ruleId),
        "security_rule",
        SecurityRule.class);
  }

  /** {@code POST …/security-rules} with {@code name}, {@code path}, {@code credentials}. */
  public SecurityRule createSecurityRule(long serverId, long siteId, NewSecurityRule rule) {
    return one(
        post("servers/{server}/sites/{site}/security-rules", rule, serverId, siteId),
        "security_rule",
        SecurityRule.class);
  }

  public void deleteSecurityRule(long serverId, long siteId, long ruleId) {
    send(delete("servers/{server}/sites/{site}/security-rules/{rule}", serverId, siteId, ruleId));
  }

  public Optional<SecurityRule> findSecurityRuleByName(long serverId, long siteId, String name) {
    return listSecurityRules(serverId, siteId).stream()
        .filter(r -> name.equals(r.name()))
        .findFirst();
  }

  // ---- site commands

  /** {@code POST …/sites/{site}/commands} with {@code command}: runs it as the site's user. */
  public SiteCommand createSiteCommand(long serverId, long siteId, String command) {
    return one(
        post(
            "servers/{server}/sites/{site}/commands",
            new NewSiteCommand(command),
            serverId,
            siteId),
        "command",
        SiteCommand.class);
  }

  /** The site's commands ({@code GET …/commands}, wrapper {@code commands}). */
  public List<SiteCommand> listSiteCommands(long serverId, long siteId) {
    return list(
        get("servers/{server}/sites/{site}/commands", serverId, siteId),
        "commands",
        SiteCommand.class);
  }

  /** {@code GET …/commands/{id}}: {@code {"command": {…}, "output": "…"}}. */
  public SiteCommandOutput getSiteCommand(long serverId, long siteId, long commandId) {
    Call call =
        get("servers/{server}/sites/{site}/commands/{command}", serverId, siteId, commandId);
    Answer answer = send(call);
    SiteCommand command =
        checked(call, read(answer, "command", mapper.constructType(SiteCommand.class), true));
    JsonNode root = parseQuietly(answer.body());
    JsonNode output = root == null ? null : root.get("output");
    return new SiteCommandOutput(
        command, output != null && output.isTextual() ? output.asText() : null);
  }

  // ---- deployments

  /** Starts a deployment of the site's branch; a 400 says when one already runs. */
  public void deploy(long serverId, long siteId) {
    send(post("servers/{server}/sites/{site}/deployment/deploy", null, serverId, siteId));
  }

  /** The site's deployments, newest first. */
  public List<Deployment> listDeployments(long serverId, long siteId) {
    return list(
        get("servers/{server}/sites/{site}/deployment-history", serverId, siteId),
        "deployments",
        Deployment.class);
  }

  public Deployment getDeployment(long serverId, long siteId, long deploymentId) {
    return one(
        get(
            "servers/{server}/sites/{site}/deployment-history/{deployment}",
            serverId,
            siteId,
            deploymentId),
        "deployment",
        Deployment.class);
  }

  /**
   * Replaces the site's deployment script ({@code PUT …/deployment/script}, body {@code {"content":
   * "…"}}); Forge runs it on the next deployment.
   */
  public void updateDeploymentScript(long serverId, long siteId, String content) {
    send(
        put(
            "servers/{server}/sites/{site}/deployment/script",
            new FileContent(content),
            serverId,
            siteId));
  }

  public String getDeploymentScript(long serverId, long siteId) {
    return text(send(get("servers/{server}/sites/{site}/deployment/script", serverId, siteId)));
  }

  /** Turns quick deploy (deploy on every push) off: {@code DELETE …/deployment}. */
  public void disableQuickDeploy(long serverId, long siteId) {
    send(delete("servers/{server}/sites/{site}/deployment", serverId, siteId));
  }

  /** The log of the site's last deployment, as text. */
  public String getDeploymentLog(long serverId, long siteId) {
    return text(send(get("servers/{server}/sites/{site}/deployment/log", serverId, siteId)));
  }

  // ---- plumbing

  private record DatabaseAccess(List<Long> databases) {}

  private record FileContent(String content) {
    @Override
    public String toString() {
      return "FileContent[***]";
    }
  }

  private record LetsEncryptRequest(List<String> domains) {}

  /** One request: what is sent, and the template that names it in logs and errors. */
  private record Call(String method, String template, HttpUrl url, Object body) {}

  /** A 2xx answer: its body as text and its content type. */
  private record Answer(Call call, String body, String contentType) {}

  private Call get(String template, Object... ids) {
    return call("GET", template, null, ids);
  }

  private Call post(String template, Object body, Object... ids) {
    return call("POST", template, body, ids);
  }

  private Call put(String template, Object body, Object... ids) {
    return call("PUT", template, body, ids);
  }

  private Call delete(String template, Object... ids) {
    return call("DELETE", template, null, ids);
  }

  private Call call(String method, String template, Object body, Object... ids) {
    StringBuilder path = new StringBuilder();
    int next = 0;
    for (String segment : template.split("/")) {
      if (path.length() > 0) {
        path.append('/');
      }
      if (segment.startsWith("{")) {
        path.append(ids[next++]);
      } else {
        path.append(segment);
      }
    }
    if (next != ids.length) {
      throw new IllegalArgumentException("ids do not match " + template);
    }
    HttpUrl url = baseUrl.resolve(path.toString());
    if (url == null) {
      throw new IllegalStateException("cannot resolve " + template + " against the base URL");
    }
    return new Call(method, template, url, body);
  }

  private Answer send(Call call) {
    Request.Builder request =
        new Request.Builder()
            .url(call.url())
            .header("Authorization", "Bearer " + config.token())
            .header("Accept", "application/json");
    switch (call.method()) {
      case "GET" -> request.get();
      case "DELETE" -> request.delete();
      default -> request.method(call.method(), RequestBody.create(encode(call), JSON));
    }
    awaitBudget(call);
    long started = System.nanoTime();
    Response answered = null;
    try (Response response = http.newCall(request.build()).execute()) {
      answered = response;
      String body = response.body().string();
      int status = response.code();
      listener.onResponse(call.method(), call.template(), status);
      log.debug(
          "Forge {} {} -> {} in {} ms",
          call.method(),
          call.template(),
          status,
          (System.nanoTime() - started) / 1_000_000);
      if (status >= 200 && status < 300) {
        return new Answer(call, body, response.header("Content-Type"));
      }
      throw failure(call, response, body);
    } catch (IOException e) {
      listener.onResponse(call.method(), call.template(), 0);
      log.debug("Forge {} {} failed: {}", call.method(), call.template(), e.toString());
      throw new ForgeTransportException(
          call.method(), call.template(), 0, e.getClass().getSimpleName(), e);
    } finally {
      budget.answered(
          answered != null,
          answered == null ? null : answered.header("X-RateLimit-Remaining"),
          answered == null ? null : answered.header("X-RateLimit-Reset"));
    }
  }

  /**
   * Waits until the token's budget lets the request go; throws as a 429 would once the wait for a
   * spent budget would pass the configured patience (the request was not sent). A wait for the lone
   * request that brings Forge's count is not held against the patience: it ends with that request's
   * answer, within its call timeout.
   */
  private void awaitBudget(Call call) {
    Duration waited = Duration.ZERO;
    while (true) {
      ForgeRequestBudget.Decision decision = budget.take();
      if (decision.go()) {
        if (!waited.isZero()) {
          log.debug(
              "Forge {} {} went after {} ms held back for the token's budget",
              call.method(),
              call.template(),
              waited.toMillis());
        }
        return;
      }
      Duration wait = decision.delay();
      if (decision.spent() && waited.plus(wait).compareTo(config.budgetPatience()) > 0) {
        log.debug(
            "Forge {} {} held back: the token's budget is spent", call.method(), call.template());
        throw new ForgeRateLimitedException(
            call.method(), call.template(), 429, RetryAfter.cap(wait));
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ForgeRateLimitedException(
            call.method(), call.template(), 429, RetryAfter.cap(wait));
      }
      if (decision.spent()) {
        waited = waited.plus(wait);
      }
    }
  }

  private static void pause(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  private String encode(Call call) {
    if (call.body() == null) {
      return "{}";
    }
    try {
      return mapper.writeValueAsString(call.body());
    } catch (JsonProcessingException e) {
      // Our own records always serialise; the body is not echoed because it may hold a secret.
      throw new IllegalStateException("cannot encode the body of " + call.template());
    }
  }

  private ForgeException failure(Call call, Response response, String body) {
    String m = call.method();
    String t = call.template();
    int status = response.code();
    return switch (status) {
      case 401, 403 -> new ForgeAuthenticationException(m, t, status, null, null);
      case 404 -> new ForgeNotFoundException(m, t, status, null, null);
      case 422 -> new ForgeValidationException(m, t, status, validationErrors(body));
      case 429 -> new ForgeRateLimitedException(m, t, status, rateLimitDelay(response));
      case 400 -> new ForgeActionFailedException(m, t, status, message(body));
      default ->
          status >= 500
              ? new ForgeServerException(m, t, status, null, null)
              : new ForgeResponseException(m, t, status, "unexpected status", null);
    };
  }

  /** Laravel puts the fields at the top level; newer answers nest them under {@code errors}. */
  private Map<String, List<String>> validationErrors(String body) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    JsonNode root = parseQuietly(body);
    if (root == null || !root.isObject()) {
      return errors;
    }
    JsonNode fields = root.path("errors").isObject() ? root.get("errors") : root;
    Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      List<String> messages = new ArrayList<>();
      if (field.getValue().isArray()) {
        field.getValue().forEach(v -> messages.add(clip(v.asText())));
      } else if (field.getValue().isTextual() && !field.getKey().equals("message")) {
        messages.add(clip(field.getValue().asText()));
      }
      if (!messages.isEmpty()) {
        errors.put(field.getKey(), List.copyOf(messages));
      }
    }
    return errors;
  }

  private String message(String body) {
    JsonNode root = parseQuietly(body);
    if (root != null && root.path("message").isTextual()) {
      return clip(root.get("message").asText());
    }
    return "";
  }

  /**
   * {@code Retry-After} seconds (or date), else {@code X-RateLimit-Reset} minus now, else 60 s;
   * capped by {@link RetryAfter}.
   */
  private Duration rateLimitDelay(Response response) {
    return RetryAfter.parse(response.header("Retry-After"), clock)
        .or(() -> RetryAfter.untilReset(response.header("X-RateLimit-Reset"), clock))
        .orElse(DEFAULT_RATE_LIMIT_DELAY);
  }

  private JsonNode parseQuietly(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return mapper.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private <T extends Identified> T one(Call call, String wrapper, Class<T> type) {
    return checked(call, read(send(call), wrapper, mapper.constructType(type), true));
  }

  private <T extends Identified> List<T> list(Call call, String wrapper, Class<T> type) {
    JavaType listType = mapper.getTypeFactory().constructCollectionType(List.class, type);
    List<T> items = read(send(call), wrapper, listType, false);
    for (T item : items) {
      checked(call, item);
    }
    return List.copyOf(items);
  }

  private <T> T read(Answer answer, String wrapper, JavaType type, boolean object) {
    Call call = answer.call();
    JsonNode root;
    try {
      root = mapper.readTree(answer.body());
    } catch (JsonProcessingException e) {
      throw bad(call, "the body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw bad(call, "the body is not a JSON object");
    }
    JsonNode node = root.get(wrapper);
    if (node == null || node.isNull()) {
      throw bad(call, "no '" + wrapper + "' in the answer");
    }
    if (object ? !node.isObject() : !node.isArray()) {
      throw bad(call, "'" + wrapper + "' is not " + (object ? "an object" : "an array"));
    }
    try {
      T value = mapper.treeToValue(node, type);
      if (value == null) {
        throw bad(call, "'" + wrapper + "' is empty");
      }
      return value;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // Jackson's message quotes the offending value; keep only where it was.
      throw bad(
          call, "'" + wrapper + "' has unexpected types (" + e.getClass().getSimpleName() + ")");
    }
  }

  private <T extends Identified> T checked(Call call, T value) {
    if (value == null || value.id() <= 0) {
      throw bad(call, "an entry without a positive id");
    }
    return value;
  }

  /** Plain text as Forge sends it; a JSON string (as some proxies re-encode it) is unwrapped. */
  private String text(Answer answer) {
    String body = answer.body();
    String type = answer.contentType();
    if (type != null && type.startsWith("application/json") && body.startsWith("\"")) {
      try {
        return mapper.readValue(body, String.class);
      } catch (JsonProcessingException e) {
        return body;
      }
    }
    return body;
  }

  private static ForgeResponseException bad(Call call, String detail) {
    return new ForgeResponseException(call.method(), call.template(), 200, detail, null);
  }

  private static String clip(String text) {
    return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
  }
}
