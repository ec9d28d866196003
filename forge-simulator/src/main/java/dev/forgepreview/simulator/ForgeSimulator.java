package dev.forgepreview.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory Laravel Forge v1 API over HTTP on 127.0.0.1, faithful enough that a Forge client
 * cannot tell it from the real one. Lifecycles (server readiness, site install, deployments, …) are
 * computed from the given {@link Clock} on every read; drive a {@link ManualClock} in tests.
 *
 * <p>Besides {@code /api/v1/}, it serves an unauthenticated admin API under {@code /_simulator/}
 * (loopback only): {@code GET health}, {@code GET inventory}, {@code GET calls}, {@code POST
 * reset}, {@code GET clock}, {@code POST clock/advance?seconds=N} (ManualClock only), {@code POST
 * faults}, {@code GET faults}, {@code POST release} (held requests), {@code GET created}, {@code
 * POST settings} and {@code POST servers} (seed a ready server). Under {@code /_site/{domain}/} it
 * serves each installed site as its nginx would, behind the basic auth of its security rules.
 */
public final class ForgeSimulator implements AutoCloseable {

  static {
    // Without TCP_NODELAY the JDK server's header and body writes meet the client's delayed ACK,
    // costing ~40 ms per request; read once when the JDK server's config class loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String token;
  private final boolean tokenGenerated;
  private final Clock clock;
  private final SimulatorSettings settings;
  private final SimulatorSettings initialSettings;
  private final int requestedPort;
  private final Faults faults = new Faults();
  private final ForgeState state = new ForgeState();
  private final CallRecorder calls = new CallRecorder();
  private final RateLimiter limiter = new RateLimiter();
  private final Views views = new Views(state);
  private final Router router = new Router();
  private final ServerRoutes serverRoutes;

  private HttpServer server;
  private ExecutorService executor;

  private ForgeSimulator(Builder builder) {
    this.tokenGenerated = builder.token == null;
    this.token = tokenGenerated ? randomToken() : builder.token;
    this.clock = builder.clock;
    this.settings = builder.settings;
    this.initialSettings = SimulatorSettings.copyOf(builder.settings);
    this.requestedPort = builder.port;
    this.serverRoutes = new ServerRoutes(state, views, settings, faults);
    DatabaseRoutes databaseRoutes = new DatabaseRoutes(state, views, settings);
    serverRoutes.register(router);
    new SiteRoutes(state, views, settings, databaseRoutes).register(router);
    new RepositoryRoutes(state, views, settings).register(router);
    new DeploymentRoutes(state, views, settings, faults).register(router);
    databaseRoutes.register(router);
    new WorkerRoutes(state, views, settings).register(router);
    new CertificateRoutes(state, views, settings, faults).register(router);
    new SecurityRuleRoutes(state).register(router);
    new SiteCommandRoutes(state, settings, faults).register(router);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds 127.0.0.1 and starts serving; returns this. */
  public synchronized ForgeSimulator start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind 127.0.0.1:" + requestedPort, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "forge-simulator-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        ApiHandler.PREFIX,
        new ApiHandler(token, clock, settings, faults, state, router, limiter, calls));
    server.createContext(AdminHandler.PREFIX, new AdminHandler(this));
    server.createContext(SiteHandler.PREFIX, new SiteHandler(state, clock));
    server.start();
    return this;
  }

  /** Stops serving at once; safe to call twice. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
      executor = null;
    }
  }

  /** E.g. {@code http://127.0.0.1:41234/api/v1/}, with the trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + ApiHandler.PREFIX;
  }

  /**
   * Where the simulator serves the site {@code domain} as its server's nginx would, basic auth of
   * its security rules included: {@code http://127.0.0.1:41234/_site/pr-42-shop.example.com/}.
   */
  public String siteUrl(String domain) {
    return "http://127.0.0.1:" + port() + SiteHandler.PREFIX + domain + "/";
  }

  /** The security rules the simulator holds (names and usernames; never passwords). */
  public java.util.List<SecurityRuleView> securityRules() {
    synchronized (state) {
      return state.securityRules.values().stream()
          .map(
              r ->
                  new SecurityRuleView(
                      r.id,
                      r.serverId,
                      r.siteId,
                      r.name,
                      r.path,
                      r.credentials.stream().map(SecurityRuleEntity.Credential::username).toList()))
          .toList();
    }
  }

  /** The PEM certificate installed as certificate {@code id} ({@code type: existing}), or null. */
  public String installedCertificate(long id) {
    synchronized (state) {
      CertificateEntity certificate = state.certificates.get(id);
      return certificate == null ? null : certificate.certificatePem;
    }
  }

  /** One security rule as {@link #securityRules()} lists it. */
  public record SecurityRuleView(
      long id,
      long serverId,
      long siteId,
      String name,
      String path,
      java.util.List<String> usernames) {}

  /** E.g. {@code http://127.0.0.1:41234/_simulator/}. */
  public String adminUrl() {
    return "http://127.0.0.1:" + port() + AdminHandler.PREFIX;
  }

  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  public String token() {
    return token;
  }

  /** Whether the token was generated because none was given. */
  public boolean tokenGenerated() {
    return tokenGenerated;
  }

  public Clock clock() {
    return clock;
  }

  /** The clock as a {@link ManualClock}; fails when the simulator runs on another clock. */
  public ManualClock manualClock() {
    if (clock instanceof ManualClock manual) {
      return manual;
    }
    throw new IllegalStateException("the simulator clock is not a ManualClock: " + clock);
  }

  public SimulatorSettings settings() {
    return settings;
  }

  public Faults faults() {
    return faults;
  }

  /** What is alive now; see {@link Inventory} for what counts as alive. */
  public Inventory inventory() {
    Instant now = clock.instant();
    synchronized (state) {
      state.purge(now);
      return new Inventory(
          state.servers.values().stream()
              .map(s -> new Inventory.Server(s.id, s.name, Lifecycle.isReady(s, now)))
              .toList(),
          state.sites.values().stream()
              .filter(s -> !s.removing())
              .map(
                  s ->
                      new Inventory.Site(
                          s.id,
                          s.serverId,
                          s.name,
                          Lifecycle.siteStatus(s, now),
                          Lifecycle.repositoryStatus(s, now)))
              .toList(),
          state.databases.values().stream()
              .map(
                  d ->
                      new Inventory.Database(
                          d.id, d.serverId, d.name, Lifecycle.installStatus(d.installedAt, now)))
              .toList(),
          state.databaseUsers.values().stream()
              .map(
                  u ->
                      new Inventory.DatabaseUser(
                          u.id,
                          u.serverId,
                          u.name,
                          u.databases,
                          Lifecycle.installStatus(u.installedAt, now)))
              .toList(),
          state.workers.values().stream()
              .map(
                  w ->
                      new Inventory.Worker(
                          w.id,
                          w.serverId,
                          w.siteId,
                          w.queue,
                          Lifecycle.installStatus(w.installedAt, now)))
              .toList(),
          state.certificates.values().stream()
              .map(
                  c ->
                      new Inventory.Certificate(
                          c.id,
                          c.serverId,
                          c.siteId,
                          c.domain,
                          Lifecycle.certificateStatus(c, now),
                          Lifecycle.certificateActive(c, now)))
              .toList());
    }
  }

  /** Calls per route, keyed like {@code POST /api/v1/servers/{id}/sites}; unknown paths as sent. */
  public Map<String, Long> callCounts() {
    return calls.snapshot();
  }

  /** Every call that reached {@code /api/v1/}, answered or refused. */
  public long totalCalls() {
    return calls.total();
  }

  /** Calls answered 429. */
  public long rateLimitedCalls() {
    return calls.rateLimited();
  }

  /** Injected 5xx answers; {@code afterCommit}: those sent after carrying the request out. */
  public long injectedServerErrors(boolean afterCommit) {
    return afterCommit ? calls.serverErrorsAfterCommit() : calls.serverErrors();
  }

  /**
   * What the API created since the last reset, deleted or not, per kind: the total and the count
   * per name ({@code servers}, {@code sites} by domain, {@code databases}, {@code databaseUsers},
   * {@code workers} by their site's domain, {@code certificates} by domain, {@code deployments}
   * started, by their site's domain).
   */
  public Map<String, Object> created() {
    synchronized (state) {
      return state.created();
    }
  }

  /**
   * Forgets all resources, counts, the rate-limit window and faults, and restores the settings the
   * simulator was built with. The clock is left alone; ids keep counting up.
   */
  public void reset() {
    synchronized (state) {
      state.clear();
    }
    calls.clear();
    limiter.clear();
    faults.clear();
    settings.copyFrom(initialSettings);
  }

  /**
   * Adds a server that is ready at once (as a long-lived Forge server would be) and returns its id.
   * Not part of Forge's API; for tests and dev mode.
   */
  public long seedServer(String name) {
    return seedServer(name, null);
  }

  /**
   * A ready server the operator made, answering {@code ipAddress} (an IPv4 literal) as its public
   * address, or the simulator's own when null.
   */
  public long seedServer(String name, String ipAddress) {
    Objects.requireNonNull(name, "name");
    Instant now = clock.instant();
    synchronized (state) {
      return serverRoutes.seed(name, ipAddress, now).id;
    }
  }

  Map<String, Object> serverView(long id) {
    synchronized (state) {
      return views.server(state.servers.get(id), clock.instant());
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[20];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Builds a {@link ForgeSimulator}; every setting has a default. */
  public static final class Builder {
    private String token;
    private Clock clock = Clock.systemUTC();
    private SimulatorSettings settings = new SimulatorSettings();
    private int port;

    private Builder() {}

    /** The Bearer token to accept; a random one when not given. */
    public Builder token(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("token must not be blank");
      }
      token = value;
      return this;
    }

    /** The only source of time; defaults to {@link Clock#systemUTC()}. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Settings object the simulator reads live; {@link #reset()} restores its values at build. */
    public Builder settings(SimulatorSettings value) {
      settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /** Port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port out of range: " + value);
      }
      port = value;
      return this;
    }

    public ForgeSimulator build() {
      return new ForgeSimulator(this);
    }
  }
}
