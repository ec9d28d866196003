package dev.forgepreview.simulator;

import java.util.Map;

/** {@code servers/{id}/sites/{id}/workers}. */
final class WorkerRoutes {

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;

  WorkerRoutes(ForgeState state, Views views, SimulatorSettings settings) {
    this.state = state;
    this.views = views;
    this.settings = settings;
  }

  void register(Router router) {
    String base = "servers/{id}/sites/{id}/workers";
    router
        .add("GET", base, this::list)
        .add("POST", base, this::create)
        .add("GET", base + "/{id}", this::show)
        .add("DELETE", base + "/{id}", this::delete)
        .add("POST", base + "/{id}/restart", this::restart);
  }

  private Response list(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(
        Map.of(
            "workers",
            ForgeState.select(state.workers, w -> w.siteId == site.id).stream()
                .map(w -> views.worker(w, call.now()))
                .toList()));
  }

  /** Defaults for omitted fields are Forge's form defaults as far as known (inferred). */
  private Response create(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    WorkerEntity worker = new WorkerEntity();
    worker.connection = v.requiredString("connection");
    worker.queue = v.optionalString("queue", "default");
    worker.timeout = nonNegative(v, "timeout", 60);
    worker.sleep = nonNegative(v, "sleep", 10);
    worker.tries = v.integer("tries", null);
    worker.processes = nonNegative(v, "processes", 1);
    worker.stopwaitsecs = nonNegative(v, "stopwaitsecs", 10);
    worker.phpVersion = v.optionalString("php_version", "php");
    worker.daemon = v.bool("daemon", false);
    worker.force = v.bool("force", false);
    if (worker.processes < 1 && !v.hasError("processes")) {
      v.reject("processes", "The processes field must be at least 1.");
    }
    v.check();
    worker.id = state.nextId();
    worker.serverId = site.serverId;
    worker.siteId = site.id;
    worker.command =
        ("php".equals(worker.phpVersion) ? "php" : worker.phpVersion)
            + " /home/"
            + site.username
            + "/"
            + site.name
            + "/artisan queue:work "
            + worker.connection
            + " --sleep="
            + worker.sleep
            + " --quiet --timeout="
            + worker.timeout
            + (worker.tries == null ? "" : " --tries=" + worker.tries)
            + " --queue=\""
            + worker.queue
            + "\""
            + (worker.force ? " --force" : "");
    worker.createdAt = call.now();
    worker.installedAt = call.now().plus(settings.workerInstallDuration());
    state.workers.put(worker.id, worker);
    state.recordCreated(ForgeState.Kind.WORKERS, site.name);
    return Response.json(Map.of("worker", views.worker(worker, call.now())));
  }

  private Response show(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(
        Map.of("worker", views.worker(state.worker(site, call.id(2)), call.now())));
  }

  private Response delete(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.workers.remove(state.worker(site, call.id(2)).id);
    return Response.ok();
  }

  private Response restart(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.worker(site, call.id(2));
    return Response.ok();
  }

  private static int nonNegative(Validator v, String field, int fallback) {
    Integer value = v.integer(field, fallback);
    if (value < 0) {
      v.reject(field, "The " + Validator.label(field) + " field must be at least 0.");
      return fallback;
    }
    return value;
  }
}
