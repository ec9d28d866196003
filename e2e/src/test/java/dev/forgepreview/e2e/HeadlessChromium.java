package dev.forgepreview.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, no extra library). {@code
 * --dump-dom --virtual-time-budget} never returns on a running workflow's page, whose history
 * long-poll keeps virtual time from advancing; a DevTools session reads the live DOM instead.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManagedProcess process;
  private final HttpClient http = HttpClient.newHttpClient();
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  HeadlessChromium(Path binary, Path workDir, Path log) throws Exception {
    int port = E2eSystem.freePort();
    Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
    process =
        new ManagedProcess(
                "chromium",
                List.of(
                    binary.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1400,1000",
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=" + port,
                    "--user-data-dir=" + profile,
                    "about:blank"),
                Map.of(),
                log)
            .start();
    String pageSocket =
        E2eSystem.await(
            "chromium's DevTools endpoint on port " + port,
            () -> {
              process.requireAlive();
              try {
                HttpResponse<String> response =
                    http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode target : JSON.readTree(response.body())) {
                  if ("page".equals(target.path("type").asText())) {
                    return target.path("webSocketDebuggerUrl").asText();
                  }
                }
                return null;
              } catch (IOException e) {
                return null;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Listener())
            .get(10, TimeUnit.SECONDS);
  }

  void navigate(String url) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("url", url);
    call("Page.navigate", params);
  }

  /** Types one key on the page (the Web UI's keyboard shortcuts). */
  void press(String key) throws Exception {
    for (String type : new String[] {"keyDown", "keyUp"}) {
      ObjectNode params = JSON.createObjectNode().put("type", type).put("key", key);
      if (type.equals("keyDown")) {
        params.put("text", key);
      }
      call("Input.dispatchKeyEvent", params);
    }
  }

  /**
   * The page's visible text ({@code document.body.innerText}), then that of each iframe: the Web UI
   * renders markdown (summary, details, current details) in same-origin iframes, whose text the
   * page's own {@code innerText} leaves out.
   */
  String text() throws Exception {
    return evaluate(
        "(document.body ? document.body.innerText : '') + '\\n' +"
            + " Array.from(document.querySelectorAll('iframe')).map(f => {"
            + "  try { if (f.contentDocument && f.contentDocument.body) {"
            + "    return f.contentDocument.body.innerText; } } catch (e) {}"
            + "  try { return new URL(f.src).searchParams.get('content') || ''; }"
            + "  catch (e) { return ''; } }).join('\\n')");
  }

  String html() throws Exception {
    return evaluate("document.documentElement.outerHTML");
  }

  void screenshot(Path png) throws Exception {
    JsonNode result = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.write(png, Base64.getDecoder().decode(result.path("data").asText()));
  }

  private String evaluate(String expression) throws Exception {
    JsonNode result =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    return result.path("result").path("value").asText("");
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode response = answer.get(30, TimeUnit.SECONDS);
    if (response.has("error")) {
      throw new IllegalStateException(method + " failed: " + response.get("error"));
    }
    return response.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(buffer.toString());
          if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
              answer.complete(message);
            }
          }
        } catch (IOException e) {
          // not ours to handle: events we do not use
        }
        buffer.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    try {
      socket.abort();
    } finally {
      process.stop();
    }
  }
}
