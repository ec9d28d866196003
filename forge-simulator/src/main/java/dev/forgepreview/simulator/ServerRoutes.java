package dev.forgepreview.simulator;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code servers} and {@code servers/{id}}. */
final class ServerRoutes {

  private static final Set<String> PROVIDERS =
      Set.of("ocean2", "akamai", "linode", "vultr2", "aws", "hetzner", "custom");
  private static final Set<String> TYPES =
      Set.of("app", "web", "loadbalancer", "cache", "database", "worker", "meilisearch");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;
  private final Faults faults;

  ServerRoutes(ForgeState state, Views views, SimulatorSettings settings, Faults faults) {
    this.state = state;
    this.views = views;
    this.settings = settings;
    this.faults = faults;
  }

  void register(Router router) {
    router
        .add("GET", "servers", this::list)
        .add("POST", "servers", this::create)
        .add("GET", "servers/{id}", this::show)
        .add("DELETE", "servers/{id}", this::delete);
  }

  private Response list(Router.ApiCall call) {
    return Response.json(
        Map.of(
            "servers",
            state.servers.values().stream().map(s -> views.server(s, call.now())).toList()));
  }

  private Response show(Router.ApiCall call) {
    return Response.json(Map.of("server", views.server(state.server(call.id(0)), call.now())));
  }

  private Response delete(Router.ApiCall call) {
    state.server(call.id(0));
    state.deleteServer(call.id(0));
    return Response.ok();
  }

  private Response create(Router.ApiCall call) {
    Validator v = new Validator(call.body());
    String provider = v.requiredString("provider");
    if (provider != null && !PROVIDERS.contains(provider)) {
      v.reject("provider", "The selected provider is invalid.");
    }
    Integer credentialId = v.integer("credential_id", null);
    if (credentialId == null && provider != null && !"custom".equals(provider)) {
      v.reject("credential_id", "The credential id field is required.");
    }
    String name = v.requiredString("name");
    String type = v.optionalString("type", "app");
    if (!TYPES.contains(type)) {
      v.reject("type", "The selected type is invalid.");
    }
    String size = v.optionalString("size", "01");
    String region = v.optionalString("region", "ams2");
    String ubuntu = v.optionalString("ubuntu_version", "24.04");
    String php = v.optionalString("php_version", "php83");
    String databaseType = v.optionalString("database_type", "mysql8");
    var network = v.idList("network");
    v.check();
    ServerEntity server = new ServerEntity();
    server.id = state.nextId();
    server.name = name;
    server.provider = provider;
    server.credentialId = credentialId == null ? null : credentialId.longValue();
    server.type = type;
    server.size = size;
    server.region = region;
    server.ubuntuVersion = ubuntu;
    server.phpVersion = php;
    server.databaseType = databaseType;
    server.network = network;
    server.createdAt = call.now();
    server.readyAt =
        faults.serverNeverReady() ? null : call.now().plus(settings.serverReadyAfter());
    state.servers.put(server.id, server);
    state.recordCreated(ForgeState.Kind.SERVERS, server.name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("server", views.server(server, call.now()));
    body.put("sudo_password", secret());
    body.put("database_password", secret());
    return Response.json(body);
  }

  /** Adds a server that is ready at {@code now}, for tests and dev mode. */
  ServerEntity seed(String name, String ipAddress, Instant now) {
    ServerEntity server = new ServerEntity();
    server.ipAddress = ipAddress;
    server.id = state.nextId();
    server.name = name;
    server.provider = "custom";
    server.type = "app";
    server.size = "01";
    server.region = "ams2";
    server.ubuntuVersion = "24.04";
    server.phpVersion = "php83";
    server.databaseType = "mysql8";
    server.createdAt = now;
    server.readyAt = now;
    state.servers.put(server.id, server);
    return server;
  }

  static String secret() {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
