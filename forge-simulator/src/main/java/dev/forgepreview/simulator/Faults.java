package dev.forgepreview.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Faults injected on demand. Thread-safe; every switch can be changed while requests run. {@link
 * ForgeSimulator#reset()} turns them all off.
 */
public final class Faults {

  /** Seed used when none is given, so runs are reproducible. */
  public static final long DEFAULT_SEED = 42L;

  private double serverErrorShare;
  private Random random = new Random(DEFAULT_SEED);
  private Duration latency = Duration.ZERO;
  private int failNextDeploys;
  private boolean failAllDeploys;
  private boolean serverNeverReady;
  private boolean failCertificates;
  private int rateLimitNext;
  private double afterCommitShare;
  private Pattern failDeploysOfSites;
  private Pattern failSiteCommands;
  private final List<CannedResponse> canned = new ArrayList<>();
  private final List<Hold> armedHolds = new ArrayList<>();
  private final List<Hold> heldRequests = new ArrayList<>();
  private final List<Hold> failAfterCommit = new ArrayList<>();
  private long seed = DEFAULT_SEED;

  Faults() {}

  /**
   * Replaces a share (0..1) of authenticated answers with 500 or 503 (half each), drawn from a
   * {@link Random} seeded with {@code seed}. The request is not carried out, except for the share
   * of writes set by {@link #afterCommitShare(double)}.
   */
  public synchronized Faults serverErrors(double share, long seed) {
    if (share < 0 || share > 1 || Double.isNaN(share)) {
      throw new IllegalArgumentException("share must be within 0..1: " + share);
    }
    serverErrorShare = share;
    random = new Random(seed);
    this.seed = seed;
    return this;
  }

  /** The seed of the server errors' {@link Random}, so a run's faults can be reproduced. */
  public synchronized long seed() {
    return seed;
  }

  /**
   * Of the server errors drawn for a POST, PUT or DELETE, this share (0..1, drawn from the same
   * seeded {@link Random}) is answered only after the request was carried out: the create, update
   * or delete is committed and the client sees a 500, as when Forge's answer is lost on the way. A
   * client that retries must adopt what it already created rather than create it again.
   */
  public synchronized Faults afterCommitShare(double share) {
    if (share < 0 || share > 1 || Double.isNaN(share)) {
      throw new IllegalArgumentException("share must be within 0..1: " + share);
    }
    afterCommitShare = share;
    return this;
  }

  public synchronized double afterCommitShare() {
    return afterCommitShare;
  }

  /** Like {@link #serverErrors(double, long)} with {@link #DEFAULT_SEED}. */
  public Faults serverErrors(double share) {
    return serverErrors(share, DEFAULT_SEED);
  }

  public synchronized double serverErrorShare() {
    return serverErrorShare;
  }

  /** Adds a real delay before every API answer; zero turns it off. */
  public synchronized Faults latency(Duration value) {
    Objects.requireNonNull(value, "latency");
    if (value.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + value);
    }
    latency = value;
    return this;
  }

  public synchronized Duration latency() {
    return latency;
  }

  /** The next {@code count} deployments end {@code failed}. */
  public synchronized Faults failNextDeploys(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    failNextDeploys = count;
    return this;
  }

  /**
   * Every deployment of a site whose domain contains a match of {@code domainRegex} ends {@code
   * failed}; null turns it off. Picks the previews whose deploy fails, whatever the order of
   * requests.
   */
  public synchronized Faults failDeploysOfSites(String domainRegex) {
    failDeploysOfSites = domainRegex == null ? null : Pattern.compile(domainRegex);
    return this;
  }

  /** Every deployment started while this is on ends {@code failed}. */
  public synchronized Faults failAllDeploys(boolean value) {
    failAllDeploys = value;
    return this;
  }

  /** Servers created while this is on never become ready (and never get an IP address). */
  public synchronized Faults serverNeverReady(boolean value) {
    serverNeverReady = value;
    return this;
  }

  public synchronized boolean serverNeverReady() {
    return serverNeverReady;
  }

  /**
   * Let's Encrypt certificates requested while this is on fail: they vanish (GET answers 404) once
   * their install time has passed, as observed on real Forge.
   */
  public synchronized Faults failCertificates(boolean value) {
    failCertificates = value;
    return this;
  }

  public synchronized boolean failCertificates() {
    return failCertificates;
  }

  /**
   * The next {@code count} authenticated requests are answered 429 with the usual rate-limit
   * headers, whatever the real budget.
   */
  public synchronized Faults rateLimitNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    rateLimitNext = count;
    return this;
  }

  /**
   * Answers the next authenticated request whose method equals {@code method} (case-insensitive,
   * {@code *} for any) and whose path (e.g. {@code /api/v1/servers/1/sites}) contains a match of
   * {@code pathRegex} with {@code status} and {@code body} as {@code application/json}, once.
   * Several canned answers are used in the order given. Meant for malformed-answer tests.
   */
  public Faults respondWith(String method, String pathRegex, int status, String body) {
    return respondWith(method, pathRegex, status, body, "application/json");
  }

  /** Like {@link #respondWith(String, String, int, String)} with an explicit content type. */
  public synchronized Faults respondWith(
      String method, String pathRegex, int status, String body, String contentType) {
    canned.add(
        new CannedResponse(
            Objects.requireNonNull(method, "method"),
            Pattern.compile(pathRegex),
            status,
            Objects.requireNonNull(body, "body"),
            Objects.requireNonNull(contentType, "contentType")));
    return this;
  }

  /**
   * Holds the next authenticated request matching {@code method} ({@code *} for any) and {@code
   * pathRegex} (as in {@link #respondWith}) before it is carried out, until {@link #release()}:
   * lets a test kill a client at a known point of its work. A released request is then handled as
   * usual, committed even when its client is gone. Several holds catch one request each.
   */
  public synchronized Faults holdNext(String method, String pathRegex) {
    armedHolds.add(
        new Hold(Objects.requireNonNull(method, "method"), Pattern.compile(pathRegex), null));
    return this;
  }

  /**
   * Carries out the next authenticated request matching {@code method} and {@code pathRegex} (as in
   * {@link #respondWith}), then answers it 500 instead of its real answer when that is a 2xx, once:
   * the deterministic form of {@link #afterCommitShare(double)}.
   */
  public synchronized Faults failNextAfterCommit(String method, String pathRegex) {
    failAfterCommit.add(
        new Hold(Objects.requireNonNull(method, "method"), Pattern.compile(pathRegex), null));
    return this;
  }

  /** The requests held now, e.g. {@code POST /api/v1/servers/3/databases}, oldest first. */
  public synchronized List<String> held() {
    return heldRequests.stream().map(Hold::request).toList();
  }

  /** Holds armed that have not caught a request yet. */
  public synchronized int armedHolds() {
    return armedHolds.size();
  }

  /** Lets every held request go on; returns how many were released. */
  public synchronized int release() {
    int released = heldRequests.size();
    heldRequests.clear();
    notifyAll();
    return released;
  }

  /** Turns every fault off and forgets canned answers; releases held requests. */
  public synchronized Faults clear() {
    serverErrorShare = 0;
    afterCommitShare = 0;
    failDeploysOfSites = null;
    failSiteCommands = null;
    armedHolds.clear();
    failAfterCommit.clear();
    release();
    seed = DEFAULT_SEED;
    random = new Random(DEFAULT_SEED);
    latency = Duration.ZERO;
    failNextDeploys = 0;
    failAllDeploys = false;
    serverNeverReady = false;
    failCertificates = false;
    rateLimitNext = 0;
    canned.clear();
    return this;
  }

  /**
   * Site commands whose text matches {@code commandRegex} (found anywhere in it) end {@code
   * failed}; null turns it off.
   */
  public synchronized Faults failSiteCommands(String commandRegex) {
    failSiteCommands = commandRegex == null ? null : Pattern.compile(commandRegex);
    return this;
  }

  synchronized boolean takeSiteCommandFailure(String command) {
    return failSiteCommands != null && failSiteCommands.matcher(command).find();
  }

  synchronized boolean takeDeployFailure(String siteDomain) {
    if (failAllDeploys
        || (failDeploysOfSites != null && failDeploysOfSites.matcher(siteDomain).find())) {
      return true;
    }
    if (failNextDeploys > 0) {
      failNextDeploys--;
      return true;
    }
    return false;
  }

  synchronized boolean takeForcedRateLimit() {
    if (rateLimitNext > 0) {
      rateLimitNext--;
      return true;
    }
    return false;
  }

  synchronized Optional<CannedResponse> takeCanned(String method, String path) {
    Iterator<CannedResponse> it = canned.iterator();
    while (it.hasNext()) {
      CannedResponse candidate = it.next();
      if (candidate.matches(method, path)) {
        it.remove();
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The server error injected into this request, if one is due or drawn. */
  synchronized Optional<ServerError> drawServerError(String method, String path) {
    Optional<Hold> due = failAfterCommit.stream().filter(h -> h.matches(method, path)).findFirst();
    if (due.isPresent()) {
      failAfterCommit.remove(due.get());
      return Optional.of(new ServerError(500, true));
    }
    if (serverErrorShare <= 0 || random.nextDouble() >= serverErrorShare) {
      return Optional.empty();
    }
    boolean mutating = !"GET".equalsIgnoreCase(method) && !"HEAD".equalsIgnoreCase(method);
    if (mutating && afterCommitShare > 0 && random.nextDouble() < afterCommitShare) {
      // 500 only: a gateway answering 503 would not have passed the request on.
      return Optional.of(new ServerError(500, true));
    }
    return Optional.of(new ServerError(random.nextBoolean() ? 500 : 503, false));
  }

  /**
   * Blocks while a hold armed for this request keeps it; returns at once when none matches.
   * Interrupted (the simulator stops), it returns and the request goes on.
   */
  void awaitHold(String method, String path) {
    Hold hold;
    synchronized (this) {
      Optional<Hold> armed = armedHolds.stream().filter(h -> h.matches(method, path)).findFirst();
      if (armed.isEmpty()) {
        return;
      }
      armedHolds.remove(armed.get());
      hold = new Hold(armed.get().method(), armed.get().path(), method + " " + path);
      heldRequests.add(hold);
      while (heldRequests.contains(hold)) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          heldRequests.remove(hold);
          return;
        }
      }
    }
  }

  /** An injected 5xx; {@code afterCommit} when the request was carried out first. */
  record ServerError(int status, boolean afterCommit) {}

  /** An armed hold ({@code request} null) or a held request. Compared by identity. */
  private static final class Hold {
    private final String method;
    private final Pattern path;
    private final String request;

    Hold(String method, Pattern path, String request) {
      this.method = method;
      this.path = path;
      this.request = request;
    }

    String method() {
      return method;
    }

    Pattern path() {
      return path;
    }

    String request() {
      return request;
    }

    boolean matches(String requestMethod, String requestPath) {
      return (method.equals("*") || method.equalsIgnoreCase(requestMethod))
          && path.matcher(requestPath).find();
    }
  }

  record CannedResponse(String method, Pattern path, int status, String body, String contentType) {
    boolean matches(String requestMethod, String requestPath) {
      return (method.equals("*") || method.equalsIgnoreCase(requestMethod))
          && path.matcher(requestPath).find();
    }
  }
}
