package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a method and a path below {@code /api/v1/} to a handler. Paths are templates such as {@code
 * servers/{id}/sites/{id}}; the template also names the route in call counts.
 */
final class Router {

  /** One request as the route handlers see it. */
  record ApiCall(List<Long> ids, RequestBody body, Instant now) {
    long id(int index) {
      return ids.get(index);
    }
  }

  @FunctionalInterface
  interface Handler {
    Response handle(ApiCall call);
  }

  record Route(String method, String template, Pattern pattern, Handler handler) {}

  record Match(Route route, List<Long> ids) {}

  private final List<Route> routes = new ArrayList<>();

  Router add(String method, String template, Handler handler) {
    String regex = Pattern.quote(template).replace("{id}", "\\E(\\d{1,18})\\Q");
    routes.add(new Route(method, template, Pattern.compile(regex), handler));
    return this;
  }

  Optional<Match> match(String method, String path) {
    for (Route route : routes) {
      if (!route.method().equals(method)) {
        continue;
      }
      Matcher matcher = route.pattern().matcher(path);
      if (matcher.matches()) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= matcher.groupCount(); i++) {
          ids.add(Long.parseLong(matcher.group(i)));
        }
        return Optional.of(new Match(route, List.copyOf(ids)));
      }
    }
    return Optional.empty();
  }

  /** The template of a route with this path under any method, for 405 answers and call counts. */
  Optional<String> templateOf(String path) {
    return routes.stream()
        .filter(r -> r.pattern().matcher(path).matches())
        .map(Route::template)
        .findFirst();
  }
}
