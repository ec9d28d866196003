package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Backend;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import dev.forgepreview.workflows.activities.SiteAccessActivities.UnprotectSiteRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The saga's compensations. Each is registered before its action runs (a timed-out action may have
 * happened), finds what to delete by name (it may not know the id), is harmless when nothing
 * exists, and is repeated in bounded rounds; what is still left after the last one is reported, and
 * the cleanup schedule deletes it later as an orphan. Callers run {@link #compensate} in a detached
 * cancellation scope so that a cancelled workflow still cleans up.
 */
final class Compensations {
  private static final Logger log = Workflow.getLogger(Compensations.class);
  private static final String BOUNDED_TEARDOWN = "bounded-teardown";

  /** The pause of the first release's unbounded retries (runs that started before the rounds). */
  private static final Duration PAUSE = Duration.ofMinutes(5);

  private static final int WARN_EVERY = 12;

  /** What a compensation deletes, in the order the actions run. */
  enum Resource {
    SERVER,
    SITE,
    DATABASE,
    DATABASE_USER,
    /** Compose backend: the work directory and the port claim. */
    WORK_DIRECTORY,
    /** Compose backend: the compose project (containers, volumes, built images). */
    COMPOSE_PROJECT,
    /** Compose backend: the preview's nginx file. */
    NGINX_SITE,
    /** Forge backend: the site's basic-auth security rule. */
    SECURITY_RULE;

    /**
     * {@code server}, {@code site}, {@code database}, {@code database-user}, {@code
     * work-directory}, {@code compose-project}, {@code nginx-site}.
     */
    String kind() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String deleteStep() {
      return "delete-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The action's step, whose request id the compensation reuses. */
    String createStep() {
      return switch (this) {
        case WORK_DIRECTORY -> "checkout-source";
        case COMPOSE_PROJECT -> "compose-up";
        case NGINX_SITE -> "publish-nginx-site";
        default -> "create-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
      };
    }
  }

  private final PreviewState state;
  private final StepRunner steps;
  private final List<Resource> registered = new ArrayList<>();

  Compensations(PreviewState state, StepRunner steps) {
    this.state = state;
    this.steps = steps;
  }

  void register(Resource resource) {
    registered.add(resource);
  }

  /** After a continue-as-new: a ready preview has everything its mode creates. */
  void registerEverything() {
    if (state.settings.effectiveBackend() == Backend.COMPOSE) {
      registered.addAll(
          List.of(Resource.WORK_DIRECTORY, Resource.COMPOSE_PROJECT, Resource.NGINX_SITE));
      return;
    }
    if (state.settings.mode() == Mode.DEDICATED) {
      registered.add(Resource.SERVER);
    }
    registered.addAll(List.of(Resource.SITE, Resource.DATABASE, Resource.DATABASE_USER));
    if (state.access != null) {
      registered.add(Resource.SECURITY_RULE);
    }
  }

  /**
   * Runs every registered compensation, newest first, in at most {@code teardownRounds} rounds with
   * a pause between them; each failure is recorded in the status. Returns what is still left (empty
   * when everything is gone); the caller ends {@link Phase#TEARDOWN_FAILED} then.
   */
  List<Leftover> compensate() {
    List<Resource> pending = new ArrayList<>(registered);
    Collections.reverse(pending);
    registered.clear();
    int rounds = state.options.teardownRounds();
    Map<Resource, String> lastError = new EnumMap<>(Resource.class);
    for (int round = 1; ; round++) {
      List<Resource> failed = new ArrayList<>();
      for (Resource resource : pending) {
        if (resource == Resource.WORK_DIRECTORY && failed.contains(Resource.COMPOSE_PROJECT)) {
          // Its compose file and port claim stay while the project's containers may still run.
          lastError.put(resource, "kept while the compose project is still there");
          failed.add(resource);
          continue;
        }
        String reason = tryDelete(resource, round);
        if (reason == null) {
          continue;
        }
        if (round == 1 && legacy()) {
          // Runs that started before bounded rounds keep retrying this one until it succeeds.
          retryUntilDeleted(resource, reason);
          continue;
        }
        lastError.put(resource, reason);
        failed.add(resource);
        if (round == 1 || round == rounds) {
          // Not one line per round: the first and the last failure tell the story.
          state.warnings.add(
              resource.deleteStep() + " failed (round " + round + " of " + rounds + "): " + reason);
        }
      }
      pending = failed;
      if (!pending.isEmpty() && serverDeleted()) {
        // A dedicated server took its site, database and user with it.
        pending.clear();
      }
      if (pending.isEmpty() || round >= rounds) {
        break;
      }
      log.warn(
          "{}: {} left after round {} of {}, next round in {}",
          state.previewId,
          pending,
          round,
          rounds,
          state.options.teardownRoundPause());
      Workflow.sleep(state.options.teardownRoundPause());
    }
    List<Leftover> left = new ArrayList<>();
    for (Resource resource : pending) {
      left.add(new Leftover(resource.kind(), name(resource), lastError.get(resource)));
    }
    return left;
  }

  private boolean serverDeleted() {
    return state.rolledBack.contains(Resource.SERVER.deleteStep());
  }

  /** Whether this run started before teardowns had bounded rounds (replay of older histories). */
  private static boolean legacy() {
    return Workflow.getVersion(BOUNDED_TEARDOWN, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION;
  }

  /** One attempt; null when the resource is gone, else the reason it is not. */
  private String tryDelete(Resource resource, int attempt) {
    String started = PreviewState.now();
    try {
      delete(resource, state.requestId(resource.createStep()));
      removed(resource, attempt, started);
      return null;
    } catch (ActivityFailure e) {
      return FailureText.reason(e);
    }
  }

  private void removed(Resource resource, int attempts, String started) {
    state.steps.add(
        new StepRecord(
            resource.deleteStep(),
            StepState.COMPENSATED,
            attempts,
            started,
            PreviewState.now(),
            "removed"));
    state.rolledBack.add(resource.deleteStep());
  }

  /** The first release's unbounded loop, kept only for runs that started with it. */
  private void retryUntilDeleted(Resource resource, String firstReason) {
    String name = resource.deleteStep();
    String reason = firstReason;
    int attempts = 1;
    while (true) {
      if (attempts == 1 || attempts % WARN_EVERY == 0) {
        state.warnings.add(name + " failed (attempt " + attempts + ", will retry): " + reason);
      }
      log.warn("{} of {} failed, retrying in {}: {}", name, state.previewId, PAUSE, reason);
      Workflow.sleep(PAUSE);
      attempts++;
      String started = PreviewState.now();
      try {
        delete(resource, state.requestId(resource.createStep()));
        removed(resource, attempts, started);
        return;
      } catch (ActivityFailure e) {
        reason = FailureText.reason(e);
      }
    }
  }

  /** The resource's name on Forge (as the preview carried it) or on the compose host. */
  private String name(Resource resource) {
    PreviewResourceNames names = state.names;
    return switch (resource) {
      case SERVER -> names.server();
      case SITE -> names.siteDomain();
      case DATABASE -> names.database();
      case DATABASE_USER -> names.databaseUser();
      case WORK_DIRECTORY ->
          state.compose != null
              ? state.compose.workDirectory()
              : state.settings.compose().root()
                  + "/"
                  + ComposeNames.project(state.settings, state.number());
      case COMPOSE_PROJECT -> ComposeNames.project(state.settings, state.number());
      case NGINX_SITE -> ComposePipeline.nginxDomain(state);
      case SECURITY_RULE -> SiteAccessActivities.RULE_NAME + " on " + names.siteDomain();
    };
  }

  private void delete(Resource resource, String rid) {
    if (state.settings.effectiveBackend() == Backend.COMPOSE) {
      deleteFromHost(resource, rid);
      return;
    }
    PreviewResourceNames names = state.names;
    ForgeActivities forge =
        Workflow.newActivityStub(
            ForgeActivities.class,
            state.options.compensation(summary(resource), PreviewIds.FORGE_TASK_QUEUE));
    Long serverId = state.resources.serverId();
    if (resource == Resource.SERVER) {
      forge.deleteServer(new DeleteServerRequest(rid, names.server()));
      return;
    }
    if (serverId == null) {
      return; // nothing can exist on a server that was never created
    }
    switch (resource) {
      case SECURITY_RULE ->
          Workflow.newActivityStub(
                  SiteAccessActivities.class,
                  state.options.compensation(summary(resource), PreviewIds.FORGE_TASK_QUEUE))
              .unprotectSite(
                  new UnprotectSiteRequest(
                      rid, serverId, names.siteDomain(), SiteAccessActivities.RULE_NAME));
      case SITE -> forge.deleteSite(new DeleteSiteRequest(rid, serverId, names.siteDomain()));
      case DATABASE ->
          forge.deleteDatabase(new DeleteDatabaseRequest(rid, serverId, names.database()));
      default ->
          forge.deleteDatabaseUser(
              new DeleteDatabaseUserRequest(rid, serverId, names.databaseUser()));
    }
  }

  /** The compose backend's compensations, each harmless when its action never ran. */
  private void deleteFromHost(Resource resource, String rid) {
    ComposeActivities compose =
        Workflow.newActivityStub(
            ComposeActivities.class,
            state.options.compensation("Remove " + resource, PreviewIds.TASK_QUEUE));
    ComposeTarget target = ComposePipeline.target(state, rid);
    switch (resource) {
      case NGINX_SITE ->
          compose.removeNginxSite(
              new NginxSiteRequest(target, ComposePipeline.nginxDomain(state), null));
      case COMPOSE_PROJECT -> compose.composeDown(target);
      case WORK_DIRECTORY -> compose.removeWorkDirectory(target);
      default -> throw new IllegalStateException(resource + " is not a compose resource");
    }
  }

  /** What the Web UI shows on the compensation's activity: "Delete site 70 (pr-42-shop...)". */
  private String summary(Resource resource) {
    ForgeResources ids = state.resources;
    return switch (resource) {
      case SERVER -> label("server", ids.serverId(), name(resource));
      case SITE -> label("site", ids.siteId(), name(resource));
      case DATABASE -> label("database", ids.databaseId(), name(resource));
      case SECURITY_RULE -> label("security rule", null, name(resource));
      default -> label("database user", ids.databaseUserId(), name(resource));
    };
  }

  private static String label(String kind, Long id, String name) {
    return id == null
        ? "Delete " + kind + " " + name
        : "Delete " + kind + " " + id + " (" + name + ")";
  }

  /** Teardown only: empties the preview's Redis database on a shared server. */
  void flushRedis() {
    if (state.settings.mode() != Mode.SHARED || state.resources.serverIp() == null) {
      return;
    }
    steps.optional(
        "flush-redis",
        () -> {
          Workflow.newActivityStub(
                  DatabaseCloneActivities.class,
                  state.options.compensation(
                      "Flush the preview's Redis database", PreviewIds.TASK_QUEUE))
              .flushRedis(
                  new FlushRedisRequest(
                      state.requestId("flush-redis"),
                      state.resources.serverIp(),
                      state.names.redisDatabase()));
          return null;
        });
  }
}
