package dev.forgepreview.gateway.http;

import dev.forgepreview.gateway.webhook.WebhookRejectedException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** A refused delivery: its status and its public message. */
@Produces
@Singleton
@Requires(classes = {WebhookRejectedException.class, ExceptionHandler.class})
public class WebhookRejectedHandler
    implements ExceptionHandler<WebhookRejectedException, HttpResponse<ErrorBody>> {

  @Override
  public HttpResponse<ErrorBody> handle(HttpRequest request, WebhookRejectedException exception) {
    return HttpResponse.<ErrorBody>status(exception.status())
        .body(new ErrorBody(exception.getMessage()));
  }
}
