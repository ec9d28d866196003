package dev.forgepreview.simulator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code servers/{id}/sites} and {@code servers/{id}/sites/{id}}. */
final class SiteRoutes {

  /** Usernames Forge refuses for isolated sites (forge-sdk #132). */
  static final Set<String> RESERVED_USERNAMES =
      Set.of(
          "forge", "root", "www-data", "mysql", "redis", "backup", "admin", "nobody", "isolated");

  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9._-]*");
  private static final Pattern USERNAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;
  private final DatabaseRoutes databases;

  SiteRoutes(ForgeState state, Views views, SimulatorSettings settings, DatabaseRoutes databases) {
    this.state = state;
    this.views = views;
    this.settings = settings;
    this.databases = databases;
  }

  void register(Router router) {
    router
        .add("GET", "servers/{id}/sites", this::list)
        .add("POST", "servers/{id}/sites", this::create)
        .add("GET", "servers/{id}/sites/{id}", this::show)
        .add("PUT", "servers/{id}/sites/{id}", this::update)
        .add("DELETE", "servers/{id}/sites/{id}", this::delete);
  }

  private Response list(Router.ApiCall call) {
    state.server(call.id(0));
    List<Map<String, Object>> sites =
        views.sites(ForgeState.select(state.sites, s -> s.serverId == call.id(0)), call.now());
    return Response.json(Map.of("sites", sites));
  }

  private Response show(Router.ApiCall call) {
    return Response.json(
        Map.of("site", views.site(state.site(call.id(0), call.id(1)), call.now())));
  }

  private Response create(Router.ApiCall call) {
    ServerEntity server = state.server(call.id(0));
    Validator v = new Validator(call.body());
    String domain = v.requiredString("domain");
    if (domain != null) {
      checkDomain(v, "domain", domain, server.id, null);
    }
    String projectType = v.optionalString("project_type", "php");
    List<String> aliases = v.stringList("aliases");
    String directory = v.optionalString("directory", "/public");
    boolean wildcards = v.bool("wildcards", false);
    boolean isolated = v.bool("isolated", false);
    String username = v.optionalString("username", null);
    if (isolated) {
      if (username == null) {
        v.reject("username", "The username field is required when isolated is true.");
      } else if (RESERVED_USERNAMES.contains(username)) {
        v.reject("username", "The username is reserved.");
      } else if (!USERNAME.matcher(username).matches()) {
        v.reject("username", "The username format is invalid.");
      }
    } else if (username != null && !"forge".equals(username)) {
      v.reject("username", "The username field is prohibited unless isolated is true.");
    }
    String phpVersion = v.optionalString("php_version", server.phpVersion);
    String database = v.optionalString("database", null);
    if (database != null) {
      databases.checkName(v, "database", database, server.id);
    }
    v.check();

    SiteEntity site = new SiteEntity();
    site.id = state.nextId();
    site.serverId = server.id;
    site.name = domain;
    site.aliases = aliases;
    site.directory = directory;
    site.wildcards = wildcards;
    site.isolated = isolated;
    site.username = isolated ? username : "forge";
    site.projectType = projectType;
    site.phpVersion = phpVersion;
    site.deployToken = ServerRoutes.secret();
    site.createdAt = call.now();
    site.installedAt = call.now().plus(settings.siteInstallDuration());
    site.deploymentScript = DeploymentRoutes.defaultScript(site);
    state.sites.put(site.id, site);
    state.recordCreated(ForgeState.Kind.SITES, site.name);
    if (database != null) {
      databases.createDatabase(server.id, database, call.now());
    }
    return Response.json(Map.of("site", views.site(site, call.now())));
  }

  private Response update(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String name = v.optionalString("name", site.name);
    if (!name.equals(site.name)) {
      checkDomain(v, "name", name, site.serverId, site.id);
    }
    String directory = v.optionalString("directory", site.directory);
    String phpVersion = v.optionalString("php_version", site.phpVersion);
    List<String> aliases = v.present("aliases") ? v.stringList("aliases") : site.aliases;
    boolean wildcards = v.bool("wildcards", site.wildcards);
    v.check();
    site.name = name;
    site.directory = directory;
    site.phpVersion = phpVersion;
    site.aliases = aliases;
    site.wildcards = wildcards;
    return Response.json(Map.of("site", views.site(site, call.now())));
  }

  private Response delete(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.removeSite(site, call.now(), call.now().plus(settings.siteRemovalDuration()));
    return Response.ok();
  }

  /** Format and uniqueness on the server; a site being removed still holds its domain. */
  private void checkDomain(Validator v, String field, String domain, long serverId, Long self) {
    if (!DOMAIN.matcher(domain).matches()) {
      v.reject(field, "The " + field + " format is invalid.");
      return;
    }
    boolean taken =
        state.sites.values().stream()
            .anyMatch(
                s ->
                    s.serverId == serverId
                        && s.name.equalsIgnoreCase(domain)
                        && (self == null || s.id != self));
    if (taken) {
      v.reject(field, "The " + field + " has already been taken.");
    }
  }
}
