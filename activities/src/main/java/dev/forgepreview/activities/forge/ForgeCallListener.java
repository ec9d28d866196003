package dev.forgepreview.activities.forge;

/**
 * Told of every Forge API request's outcome, for metrics: the method, the path template (such as
 * {@code servers/{server}/sites}, never an id) and the HTTP status, 0 when no answer came.
 */
@FunctionalInterface
public interface ForgeCallListener {
  ForgeCallListener NONE = (method, template, status) -> {};

  void onResponse(String method, String template, int status);
}
