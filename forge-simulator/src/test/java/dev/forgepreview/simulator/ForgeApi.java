package dev.forgepreview.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A thin real-HTTP client for tests: JSON in, {@link Answer} out. */
final class ForgeApi {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ForgeSimulator simulator;
  private final String token;

  ForgeApi(ForgeSimulator simulator) {
    this(simulator, simulator.token());
  }

  private ForgeApi(ForgeSimulator simulator, String token) {
    this.simulator = simulator;
    this.token = token;
  }

  ForgeApi withToken(String other) {
    return new ForgeApi(simulator, other);
  }

  record Answer(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer delete(String path) {
    return send(request(path).DELETE());
  }

  Answer post(String path, Object body) {
    return send(request(path).header("Content-Type", "application/json").POST(json(body)));
  }

  Answer post(String path) {
    return post(path, Map.of());
  }

  Answer put(String path, Object body) {
    return send(request(path).header("Content-Type", "application/json").PUT(json(body)));
  }

  Answer postRaw(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer putRaw(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer admin(String method, String path, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(simulator.adminUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    return send(builder);
  }

  /** Creates a server and returns its id; it is ready once the clock passes serverReadyAfter. */
  long createServer(String name) {
    Answer answer = post("servers", Map.of("provider", "ocean2", "credential_id", 1, "name", name));
    return answer.json().at("/server/id").asLong();
  }

  long createSite(long serverId, String domain) {
    return post("servers/" + serverId + "/sites", Map.of("domain", domain, "project_type", "php"))
        .json()
        .at("/site/id")
        .asLong();
  }

  /** A site with its repository installed (the clock is moved past the install). */
  long createSiteWithRepository(long serverId, String domain) {
    long siteId = createSite(serverId, domain);
    post(
        "servers/" + serverId + "/sites/" + siteId + "/git",
        Map.of("provider", "github", "repository", "acme/app", "branch", "main"));
    simulator.manualClock().advance(simulator.settings().repositoryInstallDuration());
    return siteId;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/json");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
