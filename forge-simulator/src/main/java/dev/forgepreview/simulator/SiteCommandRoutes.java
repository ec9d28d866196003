package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code …/sites/{id}/commands}: run a command (body {@code command}, 422 when missing or blank),
 * list the site's commands (newest first), show one with its {@code output}. Nothing runs: the
 * status follows the clock ({@code waiting → running → finished}), and {@link
 * Faults#failSiteCommands} makes matching commands end {@code failed}.
 */
final class SiteCommandRoutes {
  static final String WAITING = "waiting";
  static final String RUNNING = "running";

  private final ForgeState state;
  private final SimulatorSettings settings;
  private final Faults faults;

  SiteCommandRoutes(ForgeState state, SimulatorSettings settings, Faults faults) {
    this.state = state;
    this.settings = settings;
    this.faults = faults;
  }

  void register(Router router) {
    String base = "servers/{id}/sites/{id}/commands";
    router
        .add("GET", base, this::list)
        .add("POST", base, this::create)
        .add("GET", base + "/{id}", this::show);
  }

  private Response create(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String command = v.requiredString("command");
    v.check();
    Instant now = call.now();
    SiteCommandEntity entity = new SiteCommandEntity();
    entity.id = state.nextId();
    entity.serverId = site.serverId;
    entity.siteId = site.id;
    entity.command = command;
    entity.fails = faults.takeSiteCommandFailure(command);
    entity.createdAt = now;
    entity.startsAt = now.plus(settings.siteCommandQueueDuration());
    entity.endsAt = entity.startsAt.plus(settings.siteCommandDuration());
    state.siteCommands.put(entity.id, entity);
    state.recordCreated(ForgeState.Kind.SITE_COMMANDS, site.name);
    return Response.json(Map.of("command", view(entity, now)));
  }

  private Response list(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Instant now = call.now();
    return Response.json(
        Map.of(
            "commands",
            ForgeState.select(state.siteCommands, c -> c.siteId == site.id).stream()
                .sorted(Comparator.comparingLong((SiteCommandEntity c) -> c.id).reversed())
                .map(c -> view(c, now))
                .toList()));
  }

  private Response show(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    SiteCommandEntity command = state.siteCommands.get(call.id(2));
    if (command == null || command.siteId != site.id) {
      throw ApiException.notFound();
    }
    Instant now = call.now();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("command", view(command, now));
    body.put("output", output(command, now));
    return Response.json(body);
  }

  static String status(SiteCommandEntity command, Instant now) {
    if (!Lifecycle.reached(command.startsAt, now)) {
      return WAITING;
    }
    if (!Lifecycle.reached(command.endsAt, now)) {
      return RUNNING;
    }
    return command.fails ? Lifecycle.FAILED : Lifecycle.FINISHED;
  }

  private static String output(SiteCommandEntity command, Instant now) {
    String status = status(command, now);
    return switch (status) {
      case WAITING -> "";
      case RUNNING -> "$ " + command.command + "\n";
      case Lifecycle.FAILED -> "$ " + command.command + "\nsimulated failure\nexit status 1\n";
      default -> "$ " + command.command + "\n";
    };
  }

  private static Map<String, Object> view(SiteCommandEntity command, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", command.id);
    m.put("server_id", command.serverId);
    m.put("site_id", command.siteId);
    m.put("user_id", 1);
    m.put("event_id", command.id);
    m.put("command", command.command);
    m.put("status", status(command, now));
    m.put("created_at", Json.timestamp(command.createdAt));
    m.put("updated_at", Json.timestamp(now));
    return m;
  }
}
