package dev.forgepreview.simulator;

import java.util.List;
import java.util.Map;

/** A request Forge would refuse; carries the exact answer to send. */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Response response;

  ApiException(Response response) {
    super("HTTP " + response.status(), null, false, false);
    this.response = response;
  }

  Response response() {
    return response;
  }

  /** 404 with the text body Forge sends (observed). */
  static ApiException notFound() {
    return new ApiException(Response.text(404, "Resource not found."));
  }

  /** 400: the data was valid but the action failed. */
  static ApiException failedAction(String message) {
    return new ApiException(Response.message(400, message));
  }

  /** 422 with a single field error. */
  static ApiException invalid(String field, String message) {
    return invalid(Map.of(field, List.of(message)));
  }

  /** 422 with the field errors at the top level, as Forge sends them. */
  static ApiException invalid(Map<String, List<String>> errors) {
    return new ApiException(Response.json(422, errors));
  }
}
