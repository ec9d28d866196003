package dev.forgepreview.gateway.http;

import dev.forgepreview.gateway.webhook.PreviewStarter;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code GET /health}: 200 when Temporal answers within the health timeout, else 503. */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
  private final PreviewStarter previews;

  public HealthController(PreviewStarter previews) {
    this.previews = previews;
  }

  /** {@code {"status": "UP|DOWN", "temporal": "UP|DOWN"}}. */
  @Introspected
  public record Health(String status, String temporal) {}

  @Get
  public HttpResponse<Health> health() {
    if (previews.isReachable()) {
      return HttpResponse.ok(new Health("UP", "UP"));
    }
    return HttpResponse.<Health>status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(new Health("DOWN", "DOWN"));
  }
}
