package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The saga's compensations. Each is registered before its action runs (a timed-out action may have
 * happened), finds what to delete by name (it may not know the id), is harmless when nothing
 * exists, and is repeated until it succeeds. Callers run {@link #compensate} in a detached
 * cancellation scope so that a cancelled workflow still cleans up.
 */
final class Compensations {
  private static final Logger log = Workflow.getLogger(Compensations.class);
  private static final Duration PAUSE = Duration.ofMinutes(5);
  private static final int WARN_EVERY = 12;

  /** What a compensation deletes, in the order the actions run. */
  enum Resource {
    SERVER,
    SITE,
    DATABASE,
    DATABASE_USER;

    String deleteStep() {
      return "delete-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String createStep() {
      return "create-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
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
    if (state.settings.mode() == Mode.DEDICATED) {
      registered.add(Resource.SERVER);
    }
    registered.addAll(List.of(Resource.SITE, Resource.DATABASE, Resource.DATABASE_USER));
  }

  /** Runs every registered compensation, newest first, each until it succeeds. */
  void compensate() {
    List<Resource> reverse = new ArrayList<>(registered);
    Collections.reverse(reverse);
    for (Resource resource : reverse) {
      String name = resource.deleteStep();
      String rid = state.requestId(resource.createStep());
      int attempts = 0;
      while (true) {
        attempts++;
        String started = PreviewState.now();
        try {
          delete(resource, rid);
          state.steps.add(
              new StepRecord(
                  name, StepState.COMPENSATED, attempts, started, PreviewState.now(), "removed"));
          state.rolledBack.add(name);
          break;
        } catch (ActivityFailure e) {
          String reason = FailureText.reason(e);
          if (attempts == 1 || attempts % WARN_EVERY == 0) {
            // Not one line per attempt: a compensation failing for days must not grow the state.
            state.warnings.add(name + " failed (attempt " + attempts + ", will retry): " + reason);
          }
          log.warn("{} of {} failed, retrying in {}: {}", name, state.previewId, PAUSE, reason);
          Workflow.sleep(PAUSE);
        }
      }
    }
    registered.clear();
  }

  private void delete(Resource resource, String rid) {
    PreviewSettings settings = state.settings;
    int number = state.number();
    ForgeActivities forge =
        Workflow.newActivityStub(
            ForgeActivities.class,
            state.options.compensation(summary(resource), PreviewIds.FORGE_TASK_QUEUE));
    Long serverId = state.resources.serverId();
    if (resource == Resource.SERVER) {
      forge.deleteServer(new DeleteServerRequest(rid, PreviewNames.serverName(settings, number)));
      return;
    }
    if (serverId == null) {
      return; // nothing can exist on a server that was never created
    }
    switch (resource) {
      case SITE ->
          forge.deleteSite(
              new DeleteSiteRequest(rid, serverId, PreviewNames.siteDomain(settings, number)));
      case DATABASE ->
          forge.deleteDatabase(
              new DeleteDatabaseRequest(
                  rid, serverId, PreviewNames.databaseName(settings, number)));
      default ->
          forge.deleteDatabaseUser(
              new DeleteDatabaseUserRequest(
                  rid, serverId, PreviewNames.databaseUser(settings, number)));
    }
  }

  /** What the Web UI shows on the compensation's activity: "Delete site 70 (pr-42-shop...)". */
  private String summary(Resource resource) {
    PreviewSettings settings = state.settings;
    int number = state.number();
    ForgeResources ids = state.resources;
    return switch (resource) {
      case SERVER -> label("server", ids.serverId(), PreviewNames.serverName(settings, number));
      case SITE -> label("site", ids.siteId(), PreviewNames.siteDomain(settings, number));
      case DATABASE ->
          label("database", ids.databaseId(), PreviewNames.databaseName(settings, number));
      default ->
          label("database user", ids.databaseUserId(), PreviewNames.databaseUser(settings, number));
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
                      PreviewNames.redisDatabase(state.settings, state.number())));
          return null;
        });
  }
}
