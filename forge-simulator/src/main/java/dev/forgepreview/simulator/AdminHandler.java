package dev.forgepreview.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Observation and control under {@code /_simulator/} for when the simulator runs as its own
 * process. No authentication; refuses anything but loopback callers.
 */
final class AdminHandler implements HttpHandler {
  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  static final String PREFIX = "/_simulator/";

  private static final Set<String> FAULT_KEYS =
      Set.of(
          "clear",
          "serverErrorShare",
          "seed",
          "latencyMillis",
          "failNextDeploys",
          "failAllDeploys",
          "serverNeverReady",
          "failCertificates",
          "rateLimitNext",
          "respondWith",
          "afterCommitShare",
          "failDeploysOfSites",
          "hold",
          "failNextAfterCommit");

  private final ForgeSimulator simulator;

  AdminHandler(ForgeSimulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        response = Response.message(403, "The simulator admin API only answers loopback callers.");
      } else {
        try {
          response = answer(exchange);
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
          response = Response.message(400, "Invalid admin request.");
        } catch (ApiException e) {
          response = e.response();
        }
      }
      Exchanges.send(exchange, response);
    }
  }

  private Response answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
    String query = exchange.getRequestURI().getQuery();
    byte[] raw = exchange.getRequestBody().readAllBytes();
    return switch (method + " " + path) {
      case "GET health" -> Response.json(Map.of("status", "ok"));
      case "GET inventory" -> Response.json(simulator.inventory());
      case "GET calls" -> calls();
      case "POST reset" -> {
        simulator.reset();
        yield Response.json(Map.of("reset", true));
      }
      case "GET clock" -> clock();
      case "POST clock/advance" -> advance(query);
      case "POST faults" -> faults(json(raw));
      case "GET faults" -> faultState();
      case "POST release" -> Response.json(Map.of("released", simulator.faults().release()));
      case "GET created" -> Response.json(simulator.created());
      case "POST settings" -> settings(json(raw));
      case "POST servers" -> seedServer(json(raw));
      default -> ApiException.notFound().response();
    };
  }

  private Response calls() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total", simulator.totalCalls());
    body.put("rate_limited", simulator.rateLimitedCalls());
    body.put("server_errors", simulator.injectedServerErrors(false));
    body.put("server_errors_after_commit", simulator.injectedServerErrors(true));
    body.put("calls", simulator.callCounts());
    return Response.json(body);
  }

  private Response clock() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("now", simulator.clock().instant().toString());
    body.put("manual", simulator.clock() instanceof ManualClock);
    return Response.json(body);
  }

  private Response advance(String query) {
    if (!(simulator.clock() instanceof ManualClock manual)) {
      return Response.message(409, "The simulator does not run on a manual clock.");
    }
    long seconds = -1;
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("seconds=")) {
          seconds = Long.parseLong(pair.substring("seconds=".length()));
        }
      }
    }
    if (seconds < 0) {
      return Response.message(400, "Give seconds=N with N >= 0.");
    }
    manual.advance(Duration.ofSeconds(seconds));
    return clock();
  }

  private Response faults(JsonNode body) {
    body.fieldNames()
        .forEachRemaining(
            key -> {
              if (!FAULT_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown fault " + key);
              }
            });
    Faults faults = simulator.faults();
    if (body.path("clear").asBoolean(false)) {
      faults.clear();
    }
    if (body.has("serverErrorShare")) {
      faults.serverErrors(
          body.get("serverErrorShare").asDouble(), body.path("seed").asLong(Faults.DEFAULT_SEED));
    }
    if (body.has("afterCommitShare")) {
      faults.afterCommitShare(body.get("afterCommitShare").asDouble());
    }
    if (body.has("failDeploysOfSites")) {
      JsonNode regex = body.get("failDeploysOfSites");
      faults.failDeploysOfSites(regex.isNull() ? null : regex.asText());
    }
    for (JsonNode next : body.path("failNextAfterCommit")) {
      faults.failNextAfterCommit(next.path("method").asText("*"), next.path("path").asText(".*"));
    }
    for (JsonNode hold : body.path("hold")) {
      faults.holdNext(hold.path("method").asText("*"), hold.path("path").asText(".*"));
    }
    if (body.has("latencyMillis")) {
      faults.latency(Duration.ofMillis(body.get("latencyMillis").asLong()));
    }
    if (body.has("failNextDeploys")) {
      faults.failNextDeploys(body.get("failNextDeploys").asInt());
    }
    if (body.has("failAllDeploys")) {
      faults.failAllDeploys(body.get("failAllDeploys").asBoolean());
    }
    if (body.has("serverNeverReady")) {
      faults.serverNeverReady(body.get("serverNeverReady").asBoolean());
    }
    if (body.has("failCertificates")) {
      faults.failCertificates(body.get("failCertificates").asBoolean());
    }
    if (body.has("rateLimitNext")) {
      faults.rateLimitNext(body.get("rateLimitNext").asInt());
    }
    for (JsonNode canned : body.path("respondWith")) {
      faults.respondWith(
          canned.path("method").asText("*"),
          canned.path("path").asText(".*"),
          canned.path("status").asInt(200),
          canned.path("body").asText(""),
          canned.path("contentType").asText("application/json"));
    }
    return Response.json(Map.of("faults", "updated"));
  }

  private Response faultState() {
    Faults faults = simulator.faults();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("seed", faults.seed());
    body.put("serverErrorShare", faults.serverErrorShare());
    body.put("afterCommitShare", faults.afterCommitShare());
    body.put("latencyMillis", faults.latency().toMillis());
    body.put("armedHolds", faults.armedHolds());
    body.put("held", faults.held());
    return Response.json(body);
  }

  /** Durations as ISO-8601 ({@code PT10M}) or a number of seconds. */
  private Response settings(JsonNode body) {
    SimulatorSettings s = simulator.settings();
    var fields = body.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case "serverReadyAfter" -> s.serverReadyAfter(duration(value));
        case "siteInstallDuration" -> s.siteInstallDuration(duration(value));
        case "siteRemovalDuration" -> s.siteRemovalDuration(duration(value));
        case "repositoryInstallDuration" -> s.repositoryInstallDuration(duration(value));
        case "databaseInstallDuration" -> s.databaseInstallDuration(duration(value));
        case "databaseUserInstallDuration" -> s.databaseUserInstallDuration(duration(value));
        case "workerInstallDuration" -> s.workerInstallDuration(duration(value));
        case "certificateInstallDuration" -> s.certificateInstallDuration(duration(value));
        case "certificateActivationDuration" -> s.certificateActivationDuration(duration(value));
        case "deployQueueDuration" -> s.deployQueueDuration(duration(value));
        case "deployDuration" -> s.deployDuration(duration(value));
        case "deployTimeout" -> s.deployTimeout(duration(value));
        case "rateLimitPerMinute" -> s.rateLimitPerMinute(value.asInt());
        case "sendRetryAfter" -> s.sendRetryAfter(value.asBoolean());
        case "rejectConcurrentDeploys" -> s.rejectConcurrentDeploys(value.asBoolean());
        default -> throw new IllegalArgumentException("unknown setting " + field.getKey());
      }
    }
    return Response.json(Map.of("settings", "updated"));
  }

  private Response seedServer(JsonNode body) {
    String name = body.path("name").asText("");
    if (name.isBlank()) {
      return Response.json(422, Map.of("name", List.of("The name field is required.")));
    }
    String ip = body.path("ip_address").isTextual() ? body.path("ip_address").asText() : null;
    if (ip != null && !IPV4.matcher(ip).matches()) {
      return Response.json(
          422, Map.of("ip_address", List.of("The ip address must be a valid IPv4 address.")));
    }
    long id = simulator.seedServer(name, ip);
    return Response.json(Map.of("server", simulator.serverView(id)));
  }

  static Duration duration(JsonNode value) {
    return value.isNumber() ? Duration.ofSeconds(value.asLong()) : Duration.parse(value.asText());
  }

  private static JsonNode json(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (!node.isObject()) {
        throw new IllegalArgumentException("body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not JSON", e);
    }
  }
}
