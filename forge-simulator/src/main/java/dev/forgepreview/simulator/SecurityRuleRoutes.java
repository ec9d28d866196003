package dev.forgepreview.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code …/sites/{id}/security-rules}: create, list, show, delete. A create needs a {@code name}
 * and at least one credential with a {@code username} and a {@code password} (422 otherwise);
 * answers never contain a password.
 */
final class SecurityRuleRoutes {

  private final ForgeState state;

  SecurityRuleRoutes(ForgeState state) {
    this.state = state;
  }

  void register(Router router) {
    String base = "servers/{id}/sites/{id}/security-rules";
    router
        .add("GET", base, this::list)
        .add("POST", base, this::create)
        .add("GET", base + "/{id}", this::show)
        .add("DELETE", base + "/{id}", this::delete);
  }

  private Response list(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(
        Map.of(
            "security_rules",
            ForgeState.select(state.securityRules, r -> r.siteId == site.id).stream()
                .map(SecurityRuleRoutes::view)
                .toList()));
  }

  private Response create(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String name = v.requiredString("name");
    String path = v.optionalString("path", null);
    JsonNode credentials = v.raw("credentials");
    List<SecurityRuleEntity.Credential> parsed = new ArrayList<>();
    if (credentials == null || !credentials.isArray() || credentials.isEmpty()) {
      v.reject("credentials", "The credentials field is required.");
    } else {
      for (int i = 0; i < credentials.size(); i++) {
        JsonNode credential = credentials.get(i);
        String username = text(credential, "username");
        String password = text(credential, "password");
        if (username == null) {
          v.reject(
              "credentials." + i + ".username",
              "The credentials." + i + ".username field is required.");
        }
        if (password == null) {
          v.reject(
              "credentials." + i + ".password",
              "The credentials." + i + ".password field is required.");
        }
        parsed.add(new SecurityRuleEntity.Credential(state.nextId(), username, password));
      }
    }
    v.check();
    SecurityRuleEntity rule = new SecurityRuleEntity();
    rule.id = state.nextId();
    rule.serverId = site.serverId;
    rule.siteId = site.id;
    rule.name = name;
    rule.path = path == null || path.isBlank() ? null : path;
    rule.credentials = List.copyOf(parsed);
    rule.createdAt = call.now();
    state.securityRules.put(rule.id, rule);
    state.recordCreated(ForgeState.Kind.SECURITY_RULES, site.name);
    return Response.json(Map.of("security_rule", view(rule)));
  }

  private Response show(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(Map.of("security_rule", view(state.securityRule(site, call.id(2)))));
  }

  private Response delete(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.securityRules.remove(state.securityRule(site, call.id(2)).id);
    return Response.ok();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull() || !value.isValueNode()) {
      return null;
    }
    String text = value.asText().trim();
    return text.isEmpty() ? null : text;
  }

  static Map<String, Object> view(SecurityRuleEntity rule) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rule.id);
    m.put("server_id", rule.serverId);
    m.put("site_id", rule.siteId);
    m.put("name", rule.name);
    m.put("path", rule.path);
    m.put(
        "credentials",
        rule.credentials.stream()
            .map(c -> Map.of("id", c.id(), "username", c.username()))
            .toList());
    m.put("status", "installed");
    m.put("created_at", Json.timestamp(rule.createdAt));
    return m;
  }
}
