package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Backend;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.activities.CleanupActivities;
import dev.forgepreview.workflows.activities.CleanupActivities.ExpirePreviewRequest;
import dev.forgepreview.workflows.activities.CleanupActivities.OpenPreview;
import dev.forgepreview.workflows.activities.CleanupActivities.PreviewRunningRequest;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.HostProject;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.ListPreviewResourcesRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.NamedResource;
import dev.forgepreview.workflows.activities.SettingsActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/** See {@link PreviewCleanupWorkflow}. */
public class PreviewCleanupWorkflowImpl implements PreviewCleanupWorkflow {
  private static final Logger log = Workflow.getLogger(PreviewCleanupWorkflowImpl.class);
  private static final Pattern NUMBER = Pattern.compile("(\\d+)");
  private static final Pattern COMPOSE_NUMBER = Pattern.compile("-pr(\\d+)$");
  private static final DateTimeFormatter FORGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final CleanupActivities cleanup =
      Workflow.newActivityStub(CleanupActivities.class, options(PreviewIds.TASK_QUEUE));
  private final SettingsActivities settings =
      Workflow.newActivityStub(SettingsActivities.class, options(PreviewIds.TASK_QUEUE));
  private final ComposeActivities compose =
      Workflow.newActivityStub(ComposeActivities.class, options(PreviewIds.TASK_QUEUE));
  private final ForgeActivities forge =
      Workflow.newActivityStub(ForgeActivities.class, options(PreviewIds.FORGE_TASK_QUEUE));

  private static ActivityOptions options(String taskQueue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setScheduleToCloseTimeout(Duration.ofMinutes(15))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(5))
                .setMaximumInterval(Duration.ofMinutes(1))
                .setDoNotRetry(FailureType.NON_RETRYABLE)
                .build())
        .build();
  }

  @Override
  public CleanupReport run(CleanupRequest request) {
    boolean dryRun = request != null && request.dryRun();
    Duration grace =
        Duration.parse(
            request == null || request.orphanGrace() == null ? "PT2H" : request.orphanGrace());
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    List<String> expired = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    List<String> young = new ArrayList<>();
    List<String> errors = new ArrayList<>();

    List<OpenPreview> open = cleanup.listOpenPreviews();
    Set<String> openIds = new HashSet<>();
    for (OpenPreview preview : open) {
      openIds.add(preview.workflowId());
      if (preview.expiresAt() != null
          && !Phase.valueOf(preview.phase()).isFinal()
          && Instant.parse(preview.expiresAt()).isBefore(now)) {
        expired.add(preview.workflowId());
        if (!dryRun) {
          cleanup.expirePreview(
              new ExpirePreviewRequest(preview.workflowId(), "TTL expired (cleanup)"));
        }
      }
    }

    for (PreviewSettings repo : settings.allRepositorySettings()) {
      if (repo.effectiveBackend() == Backend.COMPOSE) {
        // Its previews have nothing on Forge: only its host is looked at.
        composeOrphans(repo, openIds, grace, dryRun, deleted, young, errors);
        continue;
      }
      String[] ownerRepo = repo.repository().split("/", 2);
      Long serverId = repo.mode() == Mode.SHARED ? repo.sharedServerId() : null;
      List<NamedResource> found;
      try {
        found =
            forge
                .listPreviewResources(new ListPreviewResourcesRequest(serverId, "pr", null))
                .resources();
      } catch (ActivityFailure e) {
        errors.add(repo.repository() + ": listing Forge resources failed");
        continue;
      }
      for (NamedResource resource : found) {
        Integer number = ownedNumber(repo, resource);
        String owner =
            PreviewIds.workflowId(ownerRepo[0], ownerRepo[1], number == null ? 1 : number);
        if (number == null || openIds.contains(owner)) {
          continue;
        }
        String label = resource.kind() + " " + resource.name() + " (#" + number + ")";
        if (!olderThan(resource.createdAt(), now, grace)) {
          young.add(label);
          continue;
        }
        if (!dryRun) {
          if (cleanup.isPreviewRunning(new PreviewRunningRequest(owner))) {
            continue; // started after the list was taken
          }
          try {
            delete(repo, number, resource);
          } catch (ActivityFailure e) {
            errors.add(label + ": delete failed");
            continue;
          }
        }
        deleted.add(label);
      }
    }
    log.info(
        "cleanup (dry run {}): expired {}, orphans {}, young {}", dryRun, expired, deleted, young);
    return new CleanupReport(dryRun, expired, deleted, young, errors);
  }

  /**
   * Compose projects (containers, work directory, nginx file) on the repository's host that carry
   * our prefix and this repository's naming but belong to no running preview.
   */
  private void composeOrphans(
      PreviewSettings repo,
      Set<String> openIds,
      Duration grace,
      boolean dryRun,
      List<String> deleted,
      List<String> young,
      List<String> errors) {
    String[] ownerRepo = repo.repository().split("/", 2);
    List<HostProject> found;
    try {
      found =
          compose.listComposeProjects(
              new ComposeTarget(
                  "cleanup/" + repo.repository() + "/list",
                  repo.compose(),
                  ComposeNames.project(repo, 0),
                  ComposeNames.port(repo, 0)));
    } catch (ActivityFailure e) {
      errors.add(repo.repository() + ": listing compose projects failed");
      return;
    }
    for (HostProject project : found) {
      Integer number = composeNumber(repo, project.project());
      if (number == null
          || openIds.contains(PreviewIds.workflowId(ownerRepo[0], ownerRepo[1], number))) {
        continue;
      }
      String label = "compose project " + project.project() + " (#" + number + ")";
      if (project.ageSeconds() >= 0 && project.ageSeconds() < grace.toSeconds()) {
        young.add(label);
        continue;
      }
      if (!dryRun) {
        String owner = PreviewIds.workflowId(ownerRepo[0], ownerRepo[1], number);
        if (cleanup.isPreviewRunning(new PreviewRunningRequest(owner))) {
          continue; // started after the list was taken
        }
        ComposeTarget target =
            new ComposeTarget(
                "cleanup/" + repo.repository() + "/" + number,
                repo.compose(),
                project.project(),
                ComposeNames.port(repo, number));
        try {
          compose.removeNginxSite(new NginxSiteRequest(target, repo.domain(), null));
          compose.composeDown(target);
          compose.removeWorkDirectory(target);
        } catch (ActivityFailure e) {
          errors.add(label + ": removal failed");
          continue;
        }
      }
      deleted.add(label);
    }
  }

  /** The pull request number of a compose project under this repository's naming, or null. */
  static Integer composeNumber(PreviewSettings repo, String project) {
    Matcher matcher = COMPOSE_NUMBER.matcher(project);
    if (!matcher.find()) {
      return null;
    }
    int number;
    try {
      number = Integer.parseInt(matcher.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    return number > 0 && ComposeNames.project(repo, number).equals(project) ? number : null;
  }

  /** The pull request number a resource belongs to under this repository's naming, or null. */
  static Integer ownedNumber(PreviewSettings repo, NamedResource resource) {
    Matcher matcher = NUMBER.matcher(resource.name());
    if (!matcher.find()) {
      return null;
    }
    int number;
    try {
      number = Integer.parseInt(matcher.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (number <= 0) {
      return null;
    }
    String expected =
        switch (resource.kind()) {
          case "server" ->
              repo.mode() == Mode.DEDICATED ? PreviewNames.serverName(repo, number) : null;
          case "site" -> PreviewNames.siteDomain(repo, number);
          case "database" -> PreviewNames.databaseName(repo, number);
          default -> null;
        };
    return resource.name().equals(expected) ? number : null;
  }

  private void delete(PreviewSettings repo, int number, NamedResource resource) {
    String rid = "cleanup/" + repo.repository() + "/" + number + "/" + resource.kind();
    switch (resource.kind()) {
      case "server" -> forge.deleteServer(new DeleteServerRequest(rid, resource.name()));
      case "site" ->
          forge.deleteSite(new DeleteSiteRequest(rid, resource.serverId(), resource.name()));
      default -> {
        forge.deleteDatabaseUser(
            new DeleteDatabaseUserRequest(
                rid, resource.serverId(), PreviewNames.databaseUser(repo, number)));
        forge.deleteDatabase(new DeleteDatabaseRequest(rid, resource.serverId(), resource.name()));
      }
    }
  }

  private static boolean olderThan(String createdAt, Instant now, Duration grace) {
    if (createdAt == null) {
      return true;
    }
    try {
      Instant created = LocalDateTime.parse(createdAt, FORGE_TIME).toInstant(ZoneOffset.UTC);
      return created.plus(grace).isBefore(now);
    } catch (DateTimeParseException e) {
      return true;
    }
  }
}
