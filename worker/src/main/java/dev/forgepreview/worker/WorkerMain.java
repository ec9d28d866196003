package dev.forgepreview.worker;

import com.sun.net.httpserver.HttpServer;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.settings.ConfigurationException;
import dev.forgepreview.settings.Env;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar worker.jar}: configuration from the environment, see the README. */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = new Env(System.getenv());
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnvironment(env);
    } catch (ConfigurationException e) {
      log.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    log.info("starting with {}", config);
    PreviewWorker worker =
        PreviewWorker.start(
            config,
            DatabaseCloneWiring.fromEnvironment(
                env, PreviewSecrets.fromString(config.previewSecretKey())));
    HttpServer health = healthEndpoint(config.healthPort(), worker);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (health != null) {
                    health.stop(0);
                  }
                  worker.close();
                  stopped.countDown();
                },
                "worker-shutdown"));
    stopped.await();
  }

  /**
   * {@code GET /health}: 200 while the worker polls, for container probes; {@code GET /metrics}:
   * Prometheus. 0 disables both.
   */
  private static HttpServer healthEndpoint(int port, PreviewWorker worker) {
    if (port <= 0) {
      return null;
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext(
          "/health",
          exchange -> {
            boolean up = worker.isHealthy();
            byte[] body =
                ("{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(up ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = worker.metrics().scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      log.info("health on http://0.0.0.0:{}/health, metrics on /metrics", port);
      return server;
    } catch (IOException e) {
      log.warn("health endpoint not started on port {}: {}", port, e.getMessage());
      return null;
    }
  }
}
