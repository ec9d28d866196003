package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code servers/{id}/databases} and {@code servers/{id}/database-users}, plus the deprecated
 * {@code mysql} and {@code mysql-users} paths with the same shapes.
 */
final class DatabaseRoutes {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;

  DatabaseRoutes(ForgeState state, Views views, SimulatorSettings settings) {
    this.state = state;
    this.views = views;
    this.settings = settings;
  }

  void register(Router router) {
    for (String databases : List.of("databases", "mysql")) {
      String base = "servers/{id}/" + databases;
      router
          .add("GET", base, this::listDatabases)
          .add("POST", base, this::createDatabase)
          .add("GET", base + "/{id}", this::showDatabase)
          .add("DELETE", base + "/{id}", this::deleteDatabase);
    }
    for (String users : List.of("database-users", "mysql-users")) {
      String base = "servers/{id}/" + users;
      router
          .add("GET", base, this::listUsers)
          .add("POST", base, this::createUser)
          .add("GET", base + "/{id}", this::showUser)
          .add("PUT", base + "/{id}", this::updateUser)
          .add("DELETE", base + "/{id}", this::deleteUser);
    }
  }

  /** Character rule (harbor #88) and uniqueness on the server. */
  void checkName(Validator v, String field, String name, long serverId) {
    if (!NAME.matcher(name).matches()) {
      v.reject(field, "The " + field + " must only contain letters, numbers, and underscores.");
      return;
    }
    if (name.length() > 64) {
      v.reject(field, "The " + field + " must not be greater than 64 characters.");
      return;
    }
    boolean taken =
        state.databases.values().stream()
            .anyMatch(d -> d.serverId == serverId && d.name.equals(name));
    if (taken) {
      v.reject(field, "The " + field + " has already been taken.");
    }
  }

  private void checkUserName(Validator v, String field, String name, long serverId) {
    boolean taken =
        state.databaseUsers.values().stream()
            .anyMatch(u -> u.serverId == serverId && u.name.equals(name));
    if (taken) {
      v.reject(field, "The " + field + " has already been taken.");
    }
  }

  DatabaseEntity createDatabase(long serverId, String name, Instant now) {
    DatabaseEntity database = new DatabaseEntity();
    database.id = state.nextId();
    database.serverId = serverId;
    database.name = name;
    database.createdAt = now;
    database.installedAt = now.plus(settings.databaseInstallDuration());
    state.databases.put(database.id, database);
    state.recordCreated(ForgeState.Kind.DATABASES, name);
    return database;
  }

  private DatabaseUserEntity createUser(
      long serverId, String name, List<Long> databases, Instant now) {
    DatabaseUserEntity user = new DatabaseUserEntity();
    user.id = state.nextId();
    user.serverId = serverId;
    user.name = name;
    user.databases = new ArrayList<>(databases);
    user.createdAt = now;
    user.installedAt = now.plus(settings.databaseUserInstallDuration());
    state.databaseUsers.put(user.id, user);
    state.recordCreated(ForgeState.Kind.DATABASE_USERS, name);
    return user;
  }

  private Response listDatabases(Router.ApiCall call) {
    state.server(call.id(0));
    return Response.json(
        Map.of(
            "databases",
            ForgeState.select(state.databases, d -> d.serverId == call.id(0)).stream()
                .map(d -> views.database(d, call.now()))
                .toList()));
  }

  private Response createDatabase(Router.ApiCall call) {
    ServerEntity server = state.server(call.id(0));
    Validator v = new Validator(call.body());
    String name = v.requiredString("name");
    if (name != null) {
      checkName(v, "name", name, server.id);
    }
    String user = v.optionalString("user", null);
    if (user != null) {
      if (v.optionalString("password", null) == null) {
        v.reject("password", "The password field is required when user is present.");
      }
      checkUserName(v, "user", user, server.id);
    }
    v.check();
    DatabaseEntity database = createDatabase(server.id, name, call.now());
    if (user != null) {
      createUser(server.id, user, List.of(database.id), call.now());
    }
    return Response.json(Map.of("database", views.database(database, call.now())));
  }

  private Response showDatabase(Router.ApiCall call) {
    return Response.json(
        Map.of("database", views.database(state.database(call.id(0), call.id(1)), call.now())));
  }

  private Response deleteDatabase(Router.ApiCall call) {
    state.deleteDatabase(state.database(call.id(0), call.id(1)));
    return Response.ok();
  }

  private Response listUsers(Router.ApiCall call) {
    state.server(call.id(0));
    return Response.json(
        Map.of(
            "users",
            ForgeState.select(state.databaseUsers, u -> u.serverId == call.id(0)).stream()
                .map(u -> views.databaseUser(u, call.now()))
                .toList()));
  }

  private Response createUser(Router.ApiCall call) {
    ServerEntity server = state.server(call.id(0));
    Validator v = new Validator(call.body());
    String name = v.requiredString("name");
    v.requiredString("password");
    if (name != null) {
      checkUserName(v, "name", name, server.id);
    }
    List<Long> databases = checkedDatabases(v, server.id);
    v.check();
    DatabaseUserEntity user = createUser(server.id, name, databases, call.now());
    return Response.json(Map.of("user", views.databaseUser(user, call.now())));
  }

  private Response showUser(Router.ApiCall call) {
    return Response.json(
        Map.of("user", views.databaseUser(state.databaseUser(call.id(0), call.id(1)), call.now())));
  }

  /** Replaces the user's access with {@code databases}; absent means none (inferred). */
  private Response updateUser(Router.ApiCall call) {
    DatabaseUserEntity user = state.databaseUser(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    List<Long> databases = checkedDatabases(v, user.serverId);
    v.check();
    user.databases = new ArrayList<>(databases);
    return Response.json(Map.of("user", views.databaseUser(user, call.now())));
  }

  private Response deleteUser(Router.ApiCall call) {
    DatabaseUserEntity user = state.databaseUser(call.id(0), call.id(1));
    state.databaseUsers.remove(user.id);
    return Response.ok();
  }

  private List<Long> checkedDatabases(Validator v, long serverId) {
    List<Long> ids = v.idList("databases");
    for (Long id : ids) {
      DatabaseEntity database = state.databases.get(id);
      if (database == null || database.serverId != serverId) {
        v.reject("databases", "The selected databases is invalid.");
        return List.of();
      }
    }
    return ids.stream().distinct().toList();
  }
}
