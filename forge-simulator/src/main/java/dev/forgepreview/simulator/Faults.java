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
  private final List<CannedResponse> canned = new ArrayList<>();

  Faults() {}

  /**
   * Replaces a share (0..1) of authenticated answers with 500 or 503 (half each), drawn from a
   * {@link Random} seeded with {@code seed}. The request is not carried out.
   */
  public synchronized Faults serverErrors(double share, long seed) {
    if (share < 0 || share > 1 || Double.isNaN(share)) {
      throw new IllegalArgumentException("share must be within 0..1: " + share);
    }
    serverErrorShare = share;
    random = new Random(seed);
    return this;
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

  /** Turns every fault off and forgets canned answers. */
  public synchronized Faults clear() {
    serverErrorShare = 0;
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

  synchronized boolean takeDeployFailure() {
    if (failAllDeploys) {
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

  /** The status of an injected server error for this request, if one is drawn. */
  synchronized Optional<Integer> drawServerError() {
    if (serverErrorShare <= 0 || random.nextDouble() >= serverErrorShare) {
      return Optional.empty();
    }
    return Optional.of(random.nextBoolean() ? 500 : 503);
  }

  record CannedResponse(String method, Pattern path, int status, String body, String contentType) {
    boolean matches(String requestMethod, String requestPath) {
      return (method.equals("*") || method.equalsIgnoreCase(requestMethod))
          && path.matcher(requestPath).find();
    }
  }
}
