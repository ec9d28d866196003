package dev.forgepreview.gateway.http;

import dev.forgepreview.gateway.webhook.PreviewServiceException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Temporal could not take the request: 503, so GitHub marks the delivery failed and it can be
 * redelivered. The cause is logged where it happened, never sent.
 */
@Produces
@Singleton
@Requires(classes = {PreviewServiceException.class, ExceptionHandler.class})
public class PreviewServiceHandler
    implements ExceptionHandler<PreviewServiceException, HttpResponse<ErrorBody>> {

  @Override
  public HttpResponse<ErrorBody> handle(HttpRequest request, PreviewServiceException exception) {
    return HttpResponse.<ErrorBody>status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(new ErrorBody("workflow service unavailable"));
  }
}
