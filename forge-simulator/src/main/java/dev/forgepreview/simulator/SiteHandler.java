package dev.forgepreview.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What a preview site answers over HTTP, as nginx on a Forge server would: {@code GET
 * /_site/{domain}/{path}} serves the installed site {@code domain}, behind basic auth when one of
 * its security rules covers the path (a rule without a path covers the whole site). No credential
 * or a wrong one: 401 with {@code WWW-Authenticate: Basic}. No such site: 404.
 */
final class SiteHandler implements HttpHandler {
  static final String PREFIX = "/_site/";

  private final ForgeState state;
  private final Clock clock;

  SiteHandler(ForgeState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Exchanges.send(exchange, answer(exchange));
    }
  }

  private Response answer(HttpExchange exchange) {
    String rest = exchange.getRequestURI().getPath().substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String domain = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "/" : rest.substring(slash);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    synchronized (state) {
      state.purge(clock.instant());
      SiteEntity site =
          state.sites.values().stream()
              .filter(s -> !s.removing() && s.name.equalsIgnoreCase(domain))
              .findFirst()
              .orElse(null);
      if (site == null) {
        return Response.text(404, "404 Not Found\n");
      }
      List<SecurityRuleEntity> rules =
          ForgeState.select(
              state.securityRules,
              r -> r.siteId == site.id && (r.path == null || path.startsWith(r.path)));
      if (!rules.isEmpty() && !rules.stream().allMatch(r -> admits(r, authorization))) {
        return Response.text(401, "401 Authorization Required\n")
            .withHeaders(Map.of("WWW-Authenticate", "Basic realm=\"Restricted\""));
      }
      return Response.text("preview " + site.name + path + "\n");
    }
  }

  private static boolean admits(SecurityRuleEntity rule, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    return rule.credentials.stream()
        .anyMatch(c -> c.username().equals(user) && c.password().equals(password));
  }
}
