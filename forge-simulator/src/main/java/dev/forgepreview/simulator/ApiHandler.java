package dev.forgepreview.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything under {@code /api/v1/}, in Forge's order: authentication (401), rate limit (429),
 * injected faults, then the route (404/405 when none matches).
 */
final class ApiHandler implements HttpHandler {

  static final String PREFIX = "/api/v1/";

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final byte[] token;
  private final Clock clock;
  private final SimulatorSettings settings;
  private final Faults faults;
  private final ForgeState state;
  private final Router router;
  private final RateLimiter limiter;
  private final CallRecorder calls;

  ApiHandler(
      String token,
      Clock clock,
      SimulatorSettings settings,
      Faults faults,
      ForgeState state,
      Router router,
      RateLimiter limiter,
      CallRecorder calls) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
    this.settings = settings;
    this.faults = faults;
    this.state = state;
    this.router = router;
    this.limiter = limiter;
    this.calls = calls;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      try {
        response = answer(exchange);
      } catch (RuntimeException e) {
        LOG.error(
            "simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        response = Response.message(500, "Server Error");
      }
      Exchanges.send(exchange, response);
    }
  }

  private Response answer(HttpExchange exchange) throws IOException {
    delay();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    byte[] raw = exchange.getRequestBody().readAllBytes();
    String relative = relative(path);
    Optional<Router.Match> match = router.match(method, relative);
    Optional<String> template = router.templateOf(relative);
    calls.record(method + " " + PREFIX + template.orElse(relative));

    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return Response.message(401, "Unauthenticated.");
    }
    Instant now = clock.instant();
    Map<String, String> limitHeaders = Map.of();
    int limit = settings.rateLimitPerMinute();
    if (limit > 0) {
      RateLimiter.Decision decision =
          faults.takeForcedRateLimit()
              ? limiter.reject("token", now, limit)
              : limiter.acquire("token", now, limit);
      if (!decision.allowed()) {
        calls.recordRateLimited();
        return Response.message(429, "Too Many Attempts.")
            .withHeaders(decision.headers(settings.sendRetryAfter()));
      }
      limitHeaders = decision.headers(false);
    }
    return route(method, path, relative, match, template, raw, exchange, now)
        .withHeaders(limitHeaders);
  }

  private Response route(
      String method,
      String path,
      String relative,
      Optional<Router.Match> match,
      Optional<String> template,
      byte[] raw,
      HttpExchange exchange,
      Instant now) {
    faults.awaitHold(method, path);
    Optional<Faults.CannedResponse> canned = faults.takeCanned(method, path);
    if (canned.isPresent()) {
      Faults.CannedResponse c = canned.get();
      return new Response(
          c.status(), c.contentType(), c.body().getBytes(StandardCharsets.UTF_8), Map.of());
    }
    Optional<Faults.ServerError> serverError = faults.drawServerError(method, path);
    if (serverError.isPresent() && !serverError.get().afterCommit()) {
      calls.recordServerError(false);
      int status = serverError.get().status();
      return Response.message(status, status == 503 ? "Service Unavailable" : "Server Error");
    }
    Response answer = handle(method, relative, match, template, raw, exchange, now);
    if (serverError.isPresent() && answer.status() / 100 == 2) {
      calls.recordServerError(true);
      LOG.info("answering 500 to {} {} after carrying it out (injected fault)", method, path);
      return Response.message(serverError.get().status(), "Server Error");
    }
    return answer;
  }

  private Response handle(
      String method,
      String relative,
      Optional<Router.Match> match,
      Optional<String> template,
      byte[] raw,
      HttpExchange exchange,
      Instant now) {
    if (match.isEmpty()) {
      if (template.isPresent()) {
        return Response.message(
            405, "The " + method + " method is not supported for route api/v1/" + relative + ".");
      }
      return ApiException.notFound().response();
    }
    try {
      RequestBody body =
          RequestBody.parse(exchange.getRequestHeaders().getFirst("Content-Type"), raw);
      Router.ApiCall call = new Router.ApiCall(match.get().ids(), body, now);
      synchronized (state) {
        state.purge(now);
        return match.get().route().handler().handle(call);
      }
    } catch (ApiException e) {
      return e.response();
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, token);
  }

  private void delay() {
    Duration latency = faults.latency();
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String relative(String path) {
    String relative = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
    while (relative.endsWith("/")) {
      relative = relative.substring(0, relative.length() - 1);
    }
    return relative;
  }
}
