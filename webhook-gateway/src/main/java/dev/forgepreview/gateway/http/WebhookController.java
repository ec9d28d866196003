package dev.forgepreview.gateway.http;

import dev.forgepreview.gateway.config.WebhookConfiguration;
import dev.forgepreview.gateway.metrics.GatewayMetrics;
import dev.forgepreview.gateway.webhook.PreviewServiceException;
import dev.forgepreview.gateway.webhook.SignatureVerifier;
import dev.forgepreview.gateway.webhook.WebhookRejectedException;
import dev.forgepreview.gateway.webhook.WebhookResponse;
import dev.forgepreview.gateway.webhook.WebhookRouter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhook/github}: size, then signature over the raw bytes, then routing. Answers
 * without waiting for anything but the Temporal call.
 */
@Controller("/webhook")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhookController {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);
  private static final byte[] EMPTY = new byte[0];

  private final SignatureVerifier verifier;
  private final WebhookRouter router;
  private final long maxBodySize;
  private final GatewayMetrics metrics;

  public WebhookController(
      SignatureVerifier verifier,
      WebhookRouter router,
      WebhookConfiguration config,
      GatewayMetrics metrics) {
    this.verifier = verifier;
    this.router = router;
    this.maxBodySize = config.maxBodySize();
    this.metrics = metrics;
  }

  @Post(uri = "/github", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  public HttpResponse<WebhookResponse> github(
      @Header("X-GitHub-Event") @Nullable String event,
      @Header("X-GitHub-Delivery") @Nullable String deliveryId,
      @Header("X-Hub-Signature-256") @Nullable String signature,
      @Body @Nullable byte[] body) {
    byte[] raw = body == null ? EMPTY : body;
    boolean verified = false;
    try {
      if (raw.length > maxBodySize) {
        throw new WebhookRejectedException(
            HttpStatus.REQUEST_ENTITY_TOO_LARGE, "payload too large");
      }
      if (!verifier.isValid(raw, signature)) {
        LOG.warn("delivery {} ({}) refused: missing or wrong signature", deliveryId, event);
        metrics.signatureFailure();
        throw new WebhookRejectedException(HttpStatus.UNAUTHORIZED, "invalid signature");
      }
      verified = true;
      if (event == null || event.isBlank()) {
        throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "X-GitHub-Event is missing");
      }
      WebhookRouter.Routed routed = router.route(event, deliveryId, raw);
      metrics.delivery(event, true, routed.status().getCode());
      return HttpResponse.<WebhookResponse>status(routed.status()).body(routed.body());
    } catch (WebhookRejectedException e) {
      metrics.delivery(event, verified, e.status().getCode());
      throw e;
    } catch (PreviewServiceException e) {
      metrics.delivery(event, verified, HttpStatus.SERVICE_UNAVAILABLE.getCode());
      throw e;
    }
  }
}
