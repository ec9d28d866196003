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

    List<PreviewSettings> repositories = new ArrayList<>();
    for (PreviewSettings repo : settings.allRepositorySettings()) {
      if (repo.effectiveBackend() == Backend.COMPOSE) {
        // Its previews have nothing on Forge: only its host is looked at.
        composeOrphans(repo, openIds, grace, dryRun, deleted, young, errors);
      } else {
        repositories.add(repo);
      }
    }
    Set<String> runningNames = new HashSet<>();
    for (OpenPreview preview : open) {
      if (preview.names() != null) {
        runningNames.add("server " + preview.names().server());
        runningNames.add("site " + preview.names().siteDomain());
        runningNames.add("database " + preview.names().database());
      }
    }
    for (Long serverId : serversToScan(repositories)) {
      List<NamedResource> found;
      try {
        // Everything: a custom template's names need not share any prefix.
        found =
            forge
                .listPreviewResources(ListPreviewResourcesRequest.everything(serverId))
                .resources();
      } catch (ActivityFailure e) {
        errors.add(
            (serverId == null ? "servers" : "server " + serverId)
                + ": listing Forge resources failed");
        continue;
      }
      for (NamedResource resource : found) {
        List<Owner> owners = owners(repositories, resource);
        if (owners.isEmpty() || runningNames.contains(resource.kind() + " " + resource.name())) {
          continue; // not ours, or a running preview carries this very name
        }
        if (owners.stream().anyMatch(o -> openIds.contains(o.workflowId()))) {
          continue;
        }
        Owner owner = owners.get(0);
        String label = resource.kind() + " " + resource.name() + " (#" + owner.number() + ")";
        if (!olderThan(resource.createdAt(), now, grace)) {
          young.add(label);
          continue;
        }
        if (!dryRun) {
          // Asked again right before the delete: a preview may have started since the list.
          if (owners.stream()
              .anyMatch(o -> cleanup.isPreviewRunning(new PreviewRunningRequest(o.workflowId())))) {
            continue;
          }
          try {
            delete(owner, resource);
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

  /** A preview that, under some configured repository's naming, would own a resource. */
  record Owner(PreviewSettings settings, int number) {
    String workflowId() {
      String[] ownerRepo = settings.repository().split("/", 2);
      return PreviewIds.workflowId(ownerRepo[0], ownerRepo[1], number);
    }
  }

  /** Null (the account's servers) when a repository is dedicated, and each shared server. */
  private static List<Long> serversToScan(List<PreviewSettings> repositories) {
    List<Long> servers = new ArrayList<>();
    for (PreviewSettings repo : repositories) {
      Long server = repo.mode() == Mode.SHARED ? repo.sharedServerId() : null;
      if (!servers.contains(server)) {
        servers.add(server);
      }
    }
    return servers;
  }

  /**
   * Every preview whose names, under its repository's templates (either naming scheme), are exactly
   * this resource's: servers for dedicated repositories, sites and databases for the repositories
   * on the resource's shared server. Legacy server names could belong to two repositories; the
   * cleanup keeps the resource while any of them runs.
   */
  static List<Owner> owners(List<PreviewSettings> repositories, NamedResource resource) {
    List<Owner> owners = new ArrayList<>();
    boolean server = resource.kind().equals("server");
    for (PreviewSettings repo : repositories) {
      boolean scanned =
          server
              ? repo.mode() == Mode.DEDICATED
              : repo.mode() == Mode.SHARED
                  && repo.sharedServerId() != null
                  && repo.sharedServerId() == resource.serverId();
      Integer number =
          scanned ? PreviewNames.ownerNumber(repo, resource.kind(), resource.name()) : null;
      if (number != null) {
        owners.add(new Owner(repo, number));
      }
    }
    return owners;
  }

  private void delete(Owner owner, NamedResource resource) {
    PreviewSettings repo = owner.settings();
    int number = owner.number();
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
