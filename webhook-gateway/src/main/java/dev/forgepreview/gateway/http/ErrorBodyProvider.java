package dev.forgepreview.gateway.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.Locale;

/**
 * Micronaut's own errors (404, 405, 413, 415, an unexpected exception...) in {@link ErrorBody}
 * form. It shows the status's reason phrase only: Micronaut's messages can carry an exception's
 * message or parts of the request.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
public class ErrorBodyProvider implements JsonErrorResponseBodyProvider<ErrorBody> {

  @Override
  public ErrorBody body(ErrorContext context, HttpResponse<?> response) {
    HttpStatus status = response.getStatus();
    if (status.getCode() >= 500) {
      return new ErrorBody("internal error");
    }
    if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      return new ErrorBody("payload too large"); // as the controller's own check says it
    }
    return new ErrorBody(status.getReason().toLowerCase(Locale.ROOT));
  }
}
