package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.forge.EnvironmentFile.InvalidEnvironmentException;
import dev.forgepreview.activities.forge.Forge.Certificate;
import dev.forgepreview.activities.forge.Forge.Database;
import dev.forgepreview.activities.forge.Forge.DatabaseUser;
import dev.forgepreview.activities.forge.Forge.Deployment;
import dev.forgepreview.activities.forge.Forge.GitRepository;
import dev.forgepreview.activities.forge.Forge.NewDatabase;
import dev.forgepreview.activities.forge.Forge.NewDatabaseUser;
import dev.forgepreview.activities.forge.Forge.NewServer;
import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.forge.Forge.NewWorker;
import dev.forgepreview.activities.forge.Forge.Server;
import dev.forgepreview.activities.forge.Forge.Site;
import dev.forgepreview.activities.forge.Forge.SiteCommand;
import dev.forgepreview.activities.forge.Forge.SiteCommandOutput;
import dev.forgepreview.activities.forge.Forge.Worker;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.secrets.Redactor;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.DeploymentLogTail;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.activities.ForgeActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ForgeActivities} over the {@link ForgeClient}. Every method is idempotent: a retried
 * attempt (attempt number above 1) looks for what an earlier attempt may have created before
 * creating anything, while a first attempt creates at once (one call); what a create made but was
 * not ready yet is recorded as heartbeat details, so the polls that follow read it by id instead of
 * listing. Polls fail with the benign {@code NOT_READY} type, and client exceptions turn into typed
 * failures through {@link ForgeFailures}. Passwords are derived here from the preview id and never
 * leave this class except towards Forge.
 */
public final class ForgeActivitiesImpl implements ForgeActivities {
  private static final Logger log = LoggerFactory.getLogger(ForgeActivitiesImpl.class);

  static final String INSTALLED = "installed";
  static final String DEPLOYING = "deploying";
  static final String FINISHED = "finished";
  static final String FAILED = "failed";
  static final String DB_PASSWORD = "DB_PASSWORD";

  private final ForgeClient client;
  private final PreviewSecrets secrets;
  private final Function<String, String> environment;
  private final Function<String, Map<String, String>> configuredEnvironment;
  private final Function<String, Optional<String>> configuredDeployScript;
  private final PreviewFileValues previewFiles;

  /** Without configured environments: the variables of a write request are written as they come. */
  public ForgeActivitiesImpl(
      ForgeClient client, PreviewSecrets secrets, Function<String, String> environment) {
    this(client, secrets, environment, repository -> Map.of());
  }

  /**
   * @param environment resolves {@code ${env:NAME}} in environment values; {@code System::getenv}
   *     in the worker. Returns null for an unset variable.
   * @param configuredEnvironment the {@code environment:} block of {@code owner/repo} in the
   *     worker's current repositories file, values unresolved; null when the repository is not
   *     configured
   */
  public ForgeActivitiesImpl(
      ForgeClient client,
      PreviewSecrets secrets,
      Function<String, String> environment,
      Function<String, Map<String, String>> configuredEnvironment) {
    this(client, secrets, environment, configuredEnvironment, repository -> null);
  }

  /**
   * @param configuredDeployScript the {@code deployScript} of {@code owner/repo} in the worker's
   *     current repositories file (empty: the default script); null when the repository is not
   *     configured. A redeploy uses what the file says now, so an edited template applies to the
   *     next deploy of running previews too.
   */
  public ForgeActivitiesImpl(
      ForgeClient client,
      PreviewSecrets secrets,
      Function<String, String> environment,
      Function<String, Map<String, String>> configuredEnvironment,
      Function<String, Optional<String>> configuredDeployScript) {
    this(
        client,
        secrets,
        environment,
        configuredEnvironment,
        configuredDeployScript,
        PreviewFileValues.NONE);
  }

  /**
   * @param previewFiles reads a repository's preview file again for its environment values (over
   *     GitHub), when the workflow names one in {@link WriteEnvironmentRequest#previewFile()}
   */
  public ForgeActivitiesImpl(
      ForgeClient client,
      PreviewSecrets secrets,
      Function<String, String> environment,
      Function<String, Map<String, String>> configuredEnvironment,
      Function<String, Optional<String>> configuredDeployScript,
      PreviewFileValues previewFiles) {
    this.previewFiles = Objects.requireNonNull(previewFiles, "previewFiles");
    this.configuredDeployScript =
        Objects.requireNonNull(configuredDeployScript, "configuredDeployScript");
    this.client = Objects.requireNonNull(client, "client");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.configuredEnvironment =
        Objects.requireNonNull(configuredEnvironment, "configuredEnvironment");
  }

  // ---- servers

  @Override
  public ServerRef createServer(CreateServerRequest request) {
    String name = required(request.name(), "name");
    ServerSpec spec = request.spec();
    if (spec == null || spec.provider() == null) {
      throw ForgeFailures.of(FailureType.INVALID_INPUT, "a dedicated server needs a provider");
    }
    return forge(
        () -> {
          Server server =
              createOrAdopt(
                  request.requestId(),
                  "server " + name,
                  () -> client.findServerByName(name),
                  client::getServer,
                  () ->
                      client.createServer(
                          new NewServer(
                              spec.provider(),
                              spec.credentialId(),
                              name,
                              "app",
                              spec.size(),
                              spec.region(),
                              spec.phpVersion(),
                              spec.databaseType())));
          return serverRef(server);
        });
  }

  @Override
  public ServerRef awaitServerReady(AwaitServerRequest request) {
    return forge(
        () -> {
          Server server = client.getServer(request.serverId());
          if (!server.isReady()) {
            throw ActivityFailures.notReady("server " + server.id() + " is not ready yet");
          }
          return serverRef(server);
        });
  }

  @Override
  public void deleteServer(DeleteServerRequest request) {
    String name = required(request.name(), "name");
    forgeDelete(
        request.requestId(),
        "server " + name,
        () -> client.findServerByName(name).map(Server::id),
        id -> client.deleteServer(id));
  }

  // ---- sites

  @Override
  public SiteRef createSite(CreateSiteRequest request) {
    String domain = required(request.domain(), "domain");
    long serverId = request.serverId();
    return forge(
        () -> {
          Made<Site> made =
              createOrAdoptTracked(
                  request.requestId(),
                  "site " + domain,
                  () -> client.findSiteByDomain(serverId, domain),
                  id -> client.getSite(serverId, id),
                  () ->
                      client.createSite(
                          serverId,
                          new NewSite(
                              domain,
                              "php",
                              request.directory(),
                              request.username() != null,
                              request.username(),
                              request.phpVersion())));
          Site site = made.resource();
          if ("removing".equals(site.status())) {
            throw ActivityFailures.notReady(
                "site " + domain + " from an earlier preview is still being removed");
          }
          if (!isInstalled(site.status())) {
            String message = "site " + domain + " is " + site.status();
            // Only a site this activity created is remembered (read by id): an adopted one is
            // looked up again, and stays adopted.
            throw made.created()
                ? notReadyRemembering(site.id(), message)
                : ActivityFailures.notReady(message);
          }
          return new SiteRef(serverId, site.id(), domain, made.created());
        });
  }

  @Override
  public void deleteSite(DeleteSiteRequest request) {
    String domain = required(request.domain(), "domain");
    forgeDelete(
        request.requestId(),
        "site " + domain,
        () ->
            client
                .findSiteByDomain(request.serverId(), domain)
                .filter(site -> !"removing".equals(site.status()))
                .map(Site::id),
        id -> client.deleteSite(request.serverId(), id));
  }

  // ---- databases and users

  @Override
  public DatabaseRef createDatabase(CreateDatabaseRequest request) {
    String name = required(request.name(), "name");
    long serverId = request.serverId();
    return forge(
        () -> {
          Database database =
              createOrAdopt(
                  request.requestId(),
                  "database " + name,
                  () -> client.findDatabaseByName(serverId, name),
                  id -> client.getDatabase(serverId, id),
                  () -> client.createDatabase(serverId, new NewDatabase(name)));
          if (!isInstalled(database.status())) {
            throw notReadyRemembering(
                database.id(), "database " + name + " is " + database.status());
          }
          return new DatabaseRef(serverId, database.id(), name);
        });
  }

  @Override
  public void deleteDatabase(DeleteDatabaseRequest request) {
    String name = required(request.name(), "name");
    forgeDelete(
        request.requestId(),
        "database " + name,
        () -> client.findDatabaseByName(request.serverId(), name).map(Database::id),
        id -> client.deleteDatabase(request.serverId(), id));
  }

  @Override
  public DatabaseUserRef createDatabaseUser(CreateDatabaseUserRequest request) {
    String name = required(request.userName(), "userName");
    String previewId = required(request.previewId(), "previewId");
    long serverId = request.serverId();
    return forge(
        () -> {
          DatabaseUser user =
              createOrAdopt(
                  request.requestId(),
                  "database user " + name,
                  () -> client.findDatabaseUserByName(serverId, name),
                  id -> client.getDatabaseUser(serverId, id),
                  () ->
                      client.createDatabaseUser(
                          serverId,
                          new NewDatabaseUser(
                              name, secrets.databasePassword(previewId), List.of())));
          if (!isInstalled(user.status())) {
            throw notReadyRemembering(user.id(), "database user " + name + " is " + user.status());
          }
          return new DatabaseUserRef(serverId, user.id(), name);
        });
  }

  @Override
  public void deleteDatabaseUser(DeleteDatabaseUserRequest request) {
    String name = required(request.userName(), "userName");
    forgeDelete(
        request.requestId(),
        "database user " + name,
        () -> client.findDatabaseUserByName(request.serverId(), name).map(DatabaseUser::id),
        id -> client.deleteDatabaseUser(request.serverId(), id));
  }

  @Override
  public void grantDatabase(GrantDatabaseRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    if (!mayHaveRun(context)) {
      // The preview's own user, created the step before with no database: the first attempt
      // grants at once (PUT replaces the user's access, and ours is all it may hold).
      forge(
          () -> {
            client.updateDatabaseUserDatabases(
                request.serverId(), request.userId(), List.of(request.databaseId()));
            return null;
          });
      log.info(
          "[{}] granted database {} to database user {}",
          request.requestId(),
          request.databaseId(),
          request.userId());
      return;
    }
    // A retry keeps whatever the user holds besides ours (an earlier attempt may have granted).
    forge(
        () -> {
          DatabaseUser user = client.getDatabaseUser(request.serverId(), request.userId());
          List<Long> granted = user.databases() == null ? List.of() : user.databases();
          if (granted.contains(request.databaseId())) {
            log.info(
                "[{}] database user {} already has database {}",
                request.requestId(),
                user.id(),
                request.databaseId());
            return null;
          }
          // PUT replaces the user's access, so keep what it had.
          List<Long> databases = new ArrayList<>(granted);
          databases.add(request.databaseId());
          client.updateDatabaseUserDatabases(request.serverId(), user.id(), databases);
          log.info(
              "[{}] granted database {} to database user {}",
              request.requestId(),
              request.databaseId(),
              user.id());
          return null;
        });
  }

  // ---- repository and environment

  @Override
  public InstalledSite installRepository(InstallRepositoryRequest request) {
    required(request.repository(), "repository");
    required(request.branch(), "branch");
    GitRepository repository =
        new GitRepository(
            request.provider() == null ? "github" : request.provider(),
            request.repository(),
            request.branch(),
            request.composer());
    return forge(
        () -> {
          if (!mayHaveRun(Activity.getExecutionContext())) {
            // The site was just created for this preview: start the install at once and take its
            // status from the answer, so a finished install costs one call and no poll interval.
            Optional<Site> started;
            try {
              started =
                  client.installGitRepository(request.serverId(), request.siteId(), repository);
            } catch (ForgeValidationException | ForgeActionFailedException e) {
              // An adopted site that already has a repository: decide from its state below.
              log.info("[{}] Forge refused the install: {}", request.requestId(), e.getMessage());
              started = null;
            }
            if (started != null) {
              log.info(
                  "[{}] installing {}@{} on site {}",
                  request.requestId(),
                  request.repository(),
                  request.branch(),
                  request.siteId());
              if (started.isPresent() && INSTALLED.equals(started.get().repositoryStatus())) {
                return installed(started.get());
              }
              throw notReadyRemembering(
                  request.siteId(),
                  "the repository of site " + request.siteId() + " is installing");
            }
          }
          Site site = client.getSite(request.serverId(), request.siteId());
          String status = site.repositoryStatus();
          if (INSTALLED.equals(status)) {
            if (!request.repository().equals(site.repository())
                || !request.branch().equals(site.repositoryBranch())) {
              log.warn(
                  "[{}] site {} already has {}@{} installed, not {}@{}",
                  request.requestId(),
                  site.id(),
                  site.repository(),
                  site.repositoryBranch(),
                  request.repository(),
                  request.branch());
            }
            return installed(site);
          }
          if ("installing".equals(status)) {
            throw notReadyRemembering(
                site.id(), "the repository of site " + site.id() + " is installing");
          }
          // Null: never installed, or (after installing) a failed install: (re)start it.
          client.installGitRepository(request.serverId(), request.siteId(), repository);
          log.info(
              "[{}] installing {}@{} on site {}",
              request.requestId(),
              request.repository(),
              request.branch(),
              site.id());
          throw notReadyRemembering(
              site.id(), "the repository of site " + site.id() + " is installing");
        });
  }

  @Override
  public void writeEnvironment(WriteEnvironmentRequest request) {
    String previewId = required(request.previewId(), "previewId");
    Map<String, String> variables = new LinkedHashMap<>();
    if (request.variables() != null) {
      variables.putAll(request.variables());
    }
    if (request.repository() != null) {
      Map<String, String> configured = configuredEnvironment.apply(request.repository());
      if (configured == null) {
        throw ForgeFailures.of(
            FailureType.INVALID_INPUT,
            request.repository() + " is no longer in the repositories file of this worker");
      }
      // The configured values are looked up here so that they never travel through history.
      variables.putAll(configured);
    }
    if (request.previewFile() != null) {
      Map<String, String> fromFile = previewFiles.environment(request.previewFile());
      for (String key : fromFile.keySet()) {
        if (dev.forgepreview.activities.github.PreviewFile.RESERVED.contains(key)) {
          throw ForgeFailures.of(
              FailureType.INVALID_INPUT,
              request.previewFile().path() + " may not set " + key + ": forge-preview sets it");
        }
      }
      // The preview file's values win over the repositories file's, and are escaped like them.
      variables.putAll(fromFile);
      for (Map.Entry<String, String> entry : fromFile.entrySet()) {
        if (entry.getValue().contains("${env:")) {
          throw ForgeFailures.of(
              FailureType.INVALID_INPUT,
              request.previewFile().path()
                  + " may not read the worker's environment ("
                  + entry.getKey()
                  + ")");
        }
      }
    }
    if (variables.containsKey(DB_PASSWORD)) {
      log.warn("[{}] ignoring the configured {}: it is derived", request.requestId(), DB_PASSWORD);
    }
    variables.put(DB_PASSWORD, secrets.databasePassword(previewId));
    String content;
    try {
      content = EnvironmentFile.render(variables, environment);
    } catch (InvalidEnvironmentException e) {
      throw ForgeFailures.of(FailureType.INVALID_INPUT, e.getMessage());
    }
    forge(
        () -> {
          // Forge accepts and silently drops a file written before the repository is installed:
          // read the site unless the workflow saw the install finish.
          if (!request.repositoryInstalled()) {
            Site site = client.getSite(request.serverId(), request.siteId());
            if (!INSTALLED.equals(site.repositoryStatus())) {
              throw ActivityFailures.notReady(
                  "the repository of site "
                      + site.id()
                      + " is "
                      + site.repositoryStatus()
                      + ": an environment written now would be dropped");
            }
          }
          client.updateEnvironmentFile(request.serverId(), request.siteId(), content);
          return null;
        });
    log.info(
        "[{}] wrote the environment of site {}: keys {}",
        request.requestId(),
        request.siteId(),
        String.join(",", new TreeSet<>(variables.keySet())));
  }

  // ---- worker and certificate

  @Override
  public long createQueueWorker(CreateQueueWorkerRequest request) {
    String connection = required(request.connection(), "connection");
    String queue = request.queue() == null || request.queue().isBlank() ? null : request.queue();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<Long> known = context.getHeartbeatDetails(Long.class);
    return forge(
        () -> {
          Optional<Worker> existing;
          if (known.isPresent()) {
            existing =
                Optional.of(client.getWorker(request.serverId(), request.siteId(), known.get()));
          } else if (mayHaveRun(context)) {
            existing =
                client.listWorkers(request.serverId(), request.siteId()).stream()
                    .filter(w -> connection.equals(w.connection()) && sameQueue(queue, w.queue()))
                    .findFirst();
          } else {
            existing = Optional.empty();
          }
          Worker worker;
          if (existing.isPresent()) {
            worker = existing.get();
            log.info("[{}] adopting queue worker {}", request.requestId(), worker.id());
          } else {
            worker =
                client.createWorker(
                    request.serverId(),
                    request.siteId(),
                    new NewWorker(
                        connection,
                        queue,
                        request.timeout() > 0 ? request.timeout() : null,
                        null,
                        null,
                        request.processes() > 0 ? request.processes() : null,
                        true,
                        null));
            log.info("[{}] created queue worker {}", request.requestId(), worker.id());
          }
          if (!isInstalled(worker.status())) {
            throw notReadyRemembering(
                worker.id(), "queue worker " + worker.id() + " is " + worker.status());
          }
          return worker.id();
        });
  }

  @Override
  public long obtainCertificate(ObtainCertificateRequest request) {
    String domain = required(request.domain(), "domain");
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<Long> requested = context.getHeartbeatDetails(Long.class);
    return forge(
        () -> {
          Optional<Certificate> existing;
          if (requested.isPresent()) {
            // An earlier attempt requested it: read it by id (gone means Forge removed it).
            try {
              existing =
                  Optional.of(
                      client.getCertificate(request.serverId(), request.siteId(), requested.get()));
            } catch (ForgeNotFoundException e) {
              existing = Optional.empty();
            }
          } else if (mayHaveRun(context)) {
            existing =
                client.listCertificates(request.serverId(), request.siteId()).stream()
                    .filter(c -> domain.equalsIgnoreCase(c.domain()))
                    .filter(c -> c.type() == null || "letsencrypt".equals(c.type()))
                    .findFirst();
          } else {
            existing = Optional.empty();
          }
          Certificate certificate;
          if (existing.isPresent()) {
            certificate = existing.get();
          } else if (requested.isPresent()) {
            // Forge drops a failed Let's Encrypt request; asking again would only burn its limits.
            throw ForgeFailures.of(
                FailureType.FAILED,
                "the Let's Encrypt certificate "
                    + requested.get()
                    + " for "
                    + domain
                    + " failed: Forge removed it");
          } else {
            certificate =
                client.obtainLetsEncryptCertificate(
                    request.serverId(), request.siteId(), List.of(domain));
            if (!certificate.active()) {
              context.heartbeat(certificate.id());
            }
            log.info(
                "[{}] requested certificate {} for {}",
                request.requestId(),
                certificate.id(),
                domain);
          }
          if (!certificate.active()) {
            throw ActivityFailures.notReady(
                "certificate "
                    + certificate.id()
                    + " is "
                    + certificate.status()
                    + "/"
                    + certificate.activationStatus());
          }
          return certificate.id();
        });
  }

  // ---- deployments

  /** The repository's template as the file says now, else the one the workflow carried. */
  private String template(WriteDeploymentScriptRequest request) {
    if (request.repository() == null) {
      return request.template();
    }
    Optional<String> configured = configuredDeployScript.apply(request.repository());
    return configured == null ? request.template() : configured.orElse(null);
  }

  @Override
  public void writeDeploymentScript(WriteDeploymentScriptRequest request) {
    String sha = required(request.sha(), "sha");
    String branch = required(request.branch(), "branch");
    String php = DeployScript.phpCommand(request.phpVersion());
    long serverId = request.serverId();
    long siteId = request.siteId();
    forge(
        () -> {
          InstalledSite site =
              request.site() != null ? request.site() : installed(client.getSite(serverId, siteId));
          if (site.quickDeploy()) {
            // A push must never deploy a preview behind the workflow's back (nor a fork's push).
            client.disableQuickDeploy(serverId, siteId);
            log.info("[{}] turned quick deploy off on site {}", request.requestId(), siteId);
          }
          String script;
          try {
            script =
                DeployScript.render(
                    template(request),
                    sha,
                    branch,
                    DeployScript.sitePath(site.username(), site.name()),
                    php,
                    request.extraCommands());
          } catch (IllegalArgumentException e) {
            throw ForgeFailures.of(FailureType.INVALID_INPUT, e.getMessage());
          }
          client.updateDeploymentScript(serverId, siteId, script);
          log.info(
              "[{}] pinned the deployment script of site {} to {}",
              request.requestId(),
              siteId,
              sha);
          return null;
        });
  }

  /**
   * Records the newest history id before posting (as heartbeat details, which survive retries), so
   * a retry adopts the entry its earlier attempt started instead of posting again. Returns only
   * once the entry is in the history: while the site's deployment is queued and not listed yet,
   * fails {@code NOT_READY}, so the returned id is never 0. Except on the first attempt at a site's
   * first deployment ({@code firstOnSite}): there is nothing before it in the history, so it posts
   * without reading the history and returns id 0, which the wait reads as the newest entry; a retry
   * (baseline 0 recorded) adopts any entry as its own.
   */
  @Override
  public DeploymentRef deploySite(DeployRequest request) {
    long serverId = request.serverId();
    long siteId = request.siteId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<Long> recorded = context.getHeartbeatDetails(Long.class);
    // The first attempt at a site's first deployment: nothing in its history to tell it from.
    boolean first = request.firstOnSite() && !mayHaveRun(context);
    return forge(
        () -> {
          long baseline;
          if (recorded.isPresent()) {
            baseline = recorded.get();
            context.heartbeat(baseline);
            Optional<Deployment> started = newerThan(baseline, serverId, siteId);
            if (started.isPresent()) {
              log.info(
                  "[{}] adopting deployment {} started by an earlier attempt",
                  request.requestId(),
                  started.get().id());
              return deploymentRef(serverId, siteId, started.get());
            }
            if (client.getSite(serverId, siteId).deploymentStatus() != null) {
              throw ActivityFailures.notReady(
                  "the deployment of site " + siteId + " is queued, not in the history yet");
            }
            // The earlier attempt's deploy did not take: start it now.
          } else {
            baseline =
                first
                    ? 0L
                    : newest(client.listDeployments(serverId, siteId))
                        .map(Deployment::id)
                        .orElse(0L);
            context.heartbeat(baseline);
          }
          try {
            client.deploy(serverId, siteId);
            log.info("[{}] started a deployment of site {}", request.requestId(), siteId);
          } catch (ForgeActionFailedException e) {
            if (!e.forgeMessage().toLowerCase(Locale.ROOT).contains("already deploying")) {
              throw e;
            }
            Optional<Deployment> running =
                newest(client.listDeployments(serverId, siteId))
                    .filter(d -> DEPLOYING.equals(d.status()) || d.id() > baseline);
            if (running.isPresent()) {
              log.info(
                  "[{}] site {} is already deploying: adopting deployment {}",
                  request.requestId(),
                  siteId,
                  running.get().id());
              return deploymentRef(serverId, siteId, running.get());
            }
            throw ActivityFailures.notReady(
                "site " + siteId + " is already deploying, not in the history yet");
          }
          if (first) {
            // Its first history entry is this deployment: the wait reads it as the newest (id 0),
            // and a retry of this call finds it as newer than 0.
            return new DeploymentRef(serverId, siteId, 0L, DEPLOYING, null);
          }
          return newerThan(baseline, serverId, siteId)
              .map(d -> deploymentRef(serverId, siteId, d))
              .orElseThrow(
                  () ->
                      ActivityFailures.notReady(
                          "the deployment of site "
                              + siteId
                              + " is queued, not in the history yet"));
        });
  }

  // ---- site commands

  @Override
  public long runSiteCommand(SiteCommandRequest request) {
    String command = required(request.command(), "command");
    if (command.isBlank() || DeployScript.hasControlCharacter(command)) {
      throw ForgeFailures.of(
          FailureType.INVALID_INPUT, "a site command must be one non-empty line");
    }
    long serverId = request.serverId();
    long siteId = request.siteId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<Long> recorded = context.getHeartbeatDetails(Long.class);
    return forge(
        () -> {
          long baseline;
          if (recorded.isPresent()) {
            baseline = recorded.get();
            Optional<SiteCommand> started =
                client.listSiteCommands(serverId, siteId).stream()
                    .filter(c -> c.id() > baseline && command.equals(c.command()))
                    .min(java.util.Comparator.comparingLong(SiteCommand::id));
            if (started.isPresent()) {
              log.info(
                  "[{}] adopting site command {} started by an earlier attempt",
                  request.requestId(),
                  started.get().id());
              return started.get().id();
            }
          } else {
            baseline =
                client.listSiteCommands(serverId, siteId).stream()
                    .mapToLong(SiteCommand::id)
                    .max()
                    .orElse(0L);
          }
          context.heartbeat(baseline);
          SiteCommand created = client.createSiteCommand(serverId, siteId, command);
          log.info(
              "[{}] started site command {} on site {}", request.requestId(), created.id(), siteId);
          return created.id();
        });
  }

  @Override
  public SiteCommandRef awaitSiteCommand(AwaitSiteCommandRequest request) {
    long serverId = request.serverId();
    long siteId = request.siteId();
    return forge(
        () -> {
          SiteCommandOutput answer = client.getSiteCommand(serverId, siteId, request.commandId());
          SiteCommand command = answer.command();
          if (FINISHED.equals(command.status())) {
            return new SiteCommandRef(command.id(), command.status());
          }
          if (FAILED.equals(command.status())) {
            String output = answer.output() == null ? "" : answer.output();
            throw ForgeFailures.of(
                FailureType.FAILED,
                "site command " + command.id() + " of site " + siteId + " failed",
                DeploymentLogTail.of(Redactor.redact(output, List.of())));
          }
          throw ActivityFailures.notReady(
              "site command " + command.id() + " is " + command.status());
        });
  }

  /** {@code deploymentId} 0 means the site's newest deployment. */
  @Override
  public DeploymentRef awaitDeployment(AwaitDeploymentRequest request) {
    long serverId = request.serverId();
    long siteId = request.siteId();
    return forge(
        () -> {
          Deployment deployment =
              request.deploymentId() > 0
                  ? client.getDeployment(serverId, siteId, request.deploymentId())
                  : newest(client.listDeployments(serverId, siteId))
                      .orElseThrow(
                          () ->
                              ActivityFailures.notReady(
                                  "site " + siteId + " has no deployment in its history yet"));
          if (FINISHED.equals(deployment.status())) {
            return deploymentRef(serverId, siteId, deployment);
          }
          if (FAILED.equals(deployment.status())) {
            // The log's end travels as a detail: the message stays short, the error is at the end.
            throw ForgeFailures.of(
                FailureType.FAILED,
                "deployment " + deployment.id() + " of site " + siteId + " failed",
                logTail(serverId, siteId, deployment.commitHash()));
          }
          throw ActivityFailures.notReady(
              "deployment " + deployment.id() + " is " + deployment.status());
        });
  }

  // ---- health and inventory

  @Override
  public SiteHealth checkSiteHealth(SiteHealthRequest request) {
    return forge(
        () -> {
          Site site;
          try {
            site = client.getSite(request.serverId(), request.siteId());
          } catch (ForgeNotFoundException e) {
            return new SiteHealth(false, null, null, "the site does not exist");
          }
          List<String> problems = new ArrayList<>();
          if (!INSTALLED.equals(site.status())) {
            problems.add("site is " + site.status());
          }
          if (!INSTALLED.equals(site.repositoryStatus())) {
            problems.add("repository is " + site.repositoryStatus());
          }
          if (site.deploymentStatus() != null) {
            problems.add("deployment is " + site.deploymentStatus());
          }
          return new SiteHealth(
              problems.isEmpty(),
              site.status(),
              site.repositoryStatus(),
              problems.isEmpty() ? "ok" : String.join("; ", problems));
        });
  }

  /**
   * With no server: the servers whose name matches. With a server: its sites (by domain) and its
   * databases that match. A name matches when it starts with {@code namePrefix} or ends with {@code
   * domainSuffix} (a database also when it starts with the prefix in database form, {@code pr-} →
   * {@code pr_}). Null or blank prefix and suffix match nothing unless {@code all} asks for
   * everything (the cleanup, which recognises its own by template). Sites being removed are left
   * out.
   */
  @Override
  public ForgeInventory listPreviewResources(ListPreviewResourcesRequest request) {
    String prefix = blankToNull(request.namePrefix());
    String suffix = blankToNull(request.domainSuffix());
    Predicate<String> matches =
        name ->
            name != null
                && (request.all()
                    || (prefix != null && name.startsWith(prefix))
                    || (suffix != null
                        && name.toLowerCase(Locale.ROOT)
                            .endsWith(suffix.toLowerCase(Locale.ROOT))));
    String databasePrefix =
        prefix == null ? null : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return forge(
        () -> {
          List<NamedResource> resources = new ArrayList<>();
          if (request.serverId() == null) {
            client.listServers().stream()
                .filter(s -> matches.test(s.name()))
                .forEach(
                    s ->
                        resources.add(
                            new NamedResource("server", s.id(), s.id(), s.name(), s.createdAt())));
          } else {
            long serverId = request.serverId();
            client.listSites(serverId).stream()
                .filter(s -> !"removing".equals(s.status()) && matches.test(s.name()))
                .forEach(
                    s ->
                        resources.add(
                            new NamedResource("site", s.id(), serverId, s.name(), s.createdAt())));
            client.listDatabases(serverId).stream()
                .filter(
                    d ->
                        matches.test(d.name())
                            || (databasePrefix != null
                                && d.name() != null
                                && d.name().startsWith(databasePrefix)))
                .forEach(
                    d ->
                        resources.add(
                            new NamedResource(
                                "database", d.id(), serverId, d.name(), d.createdAt())));
          }
          return new ForgeInventory(List.copyOf(resources));
        });
  }

  // ---- helpers

  /** Runs client calls, translating their exceptions into typed failures. */
  private static <T> T forge(Supplier<T> calls) {
    try {
      return calls.get();
    } catch (ForgeException e) {
      throw ForgeFailures.of(e);
    }
  }

  /**
   * Reads what an earlier attempt recorded (heartbeat details: its id) by id; else, on a retry,
   * adopts what {@code find} sees (an earlier attempt may have created it and lost the answer);
   * else creates at once. A 422 "already been taken" means adopt too.
   */
  private static <T extends Forge.Identified> T createOrAdopt(
      String requestId,
      String what,
      Supplier<Optional<T>> find,
      Function<Long, T> get,
      Supplier<T> create) {
    return createOrAdoptTracked(requestId, what, find, get, create).resource();
  }

  /**
   * A resource and whether this activity's own request created it ({@code false}: it was found, so
   * it may predate this preview).
   */
  private record Made<T>(T resource, boolean created) {}

  /**
   * As {@link #createOrAdopt}, telling created from adopted. What an earlier attempt recorded (its
   * heartbeat details) counts as created: only what the caller created is recorded.
   */
  private static <T extends Forge.Identified> Made<T> createOrAdoptTracked(
      String requestId,
      String what,
      Supplier<Optional<T>> find,
      Function<Long, T> get,
      Supplier<T> create) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<Long> known = context.getHeartbeatDetails(Long.class);
    if (known.isPresent()) {
      T recorded = get.apply(known.get());
      log.info("[{}] {} ({}) created by an earlier attempt", requestId, what, recorded.id());
      return new Made<>(recorded, true);
    }
    Optional<T> existing = mayHaveRun(context) ? find.get() : Optional.empty();
    if (existing.isPresent()) {
      log.info("[{}] adopting {} ({})", requestId, what, existing.get().id());
      return new Made<>(existing.get(), false);
    }
    try {
      T created = create.get();
      log.info("[{}] created {} ({})", requestId, what, created.id());
      return new Made<>(created, true);
    } catch (ForgeValidationException e) {
      if (!e.isAlreadyTaken()) {
        throw e;
      }
      T taken = find.get().orElseThrow(() -> e);
      log.info("[{}] adopting {} ({}) that Forge says is taken", requestId, what, taken.id());
      return new Made<>(taken, false);
    }
  }

  /**
   * Whether an earlier attempt of this activity may have run (and created what it creates): any
   * attempt after the first. The first attempt skips the look-before-create.
   */
  private static boolean mayHaveRun(ActivityExecutionContext context) {
    return context.getInfo().getAttempt() > 1
        || context.getHeartbeatDetails(Long.class).isPresent();
  }

  /**
   * Records {@code id} (heartbeat details, handed to the next attempt) and returns the poll's
   * {@code NOT_READY} failure: the next attempt reads the resource by id instead of listing.
   */
  private static RuntimeException notReadyRemembering(long id, String message) {
    Activity.getExecutionContext().heartbeat(id);
    return ActivityFailures.notReady(message);
  }

  /** Looks the thing up by name and deletes it; absent (404 included) is success. */
  private static void forgeDelete(
      String requestId, String what, Supplier<Optional<Long>> find, LongConsumer delete) {
    forge(
        () -> {
          try {
            Optional<Long> id = find.get();
            if (id.isEmpty()) {
              log.info("[{}] {} does not exist: nothing to delete", requestId, what);
              return null;
            }
            delete.accept(id.get());
            log.info("[{}] deleted {} ({})", requestId, what, id.get());
          } catch (ForgeNotFoundException e) {
            log.info("[{}] {} is already gone", requestId, what);
          }
          return null;
        });
  }

  private Optional<Deployment> newerThan(long baseline, long serverId, long siteId) {
    return newest(client.listDeployments(serverId, siteId)).filter(d -> d.id() > baseline);
  }

  /** The history is newest first, but an id is a safer order than a position. */
  private static Optional<Deployment> newest(List<Deployment> history) {
    return history.stream().max((a, b) -> Long.compare(a.id(), b.id()));
  }

  /** The log's end, redacted; the deployment's own commit hash stays readable. */
  private String logTail(long serverId, long siteId, String commitHash) {
    String text;
    try {
      text = client.getDeploymentLog(serverId, siteId);
    } catch (ForgeException e) {
      return "(the log could not be read: " + e.getMessage() + ")";
    }
    // Redacted before it is cut, so a credential split by the cut cannot survive in part; the tail
    // travels into history, the status and the PR comment.
    return DeploymentLogTail.of(
        Redactor.redact(text, commitHash == null ? List.of() : List.of(commitHash)));
  }

  private static InstalledSite installed(Site site) {
    return new InstalledSite(site.username(), site.name(), site.quickDeploy());
  }

  private static DeploymentRef deploymentRef(long serverId, long siteId, Deployment d) {
    return new DeploymentRef(serverId, siteId, d.id(), d.status(), d.commitHash());
  }

  private static ServerRef serverRef(Server server) {
    return new ServerRef(server.id(), server.name(), server.ipAddress(), server.isReady());
  }

  /** A missing status is taken as done: only an explicit non-installed status makes us wait. */
  private static boolean isInstalled(String status) {
    return status == null || INSTALLED.equals(status);
  }

  private static boolean sameQueue(String wanted, String actual) {
    String a = wanted == null ? "default" : wanted;
    String b = actual == null || actual.isBlank() ? "default" : actual;
    return a.equals(b);
  }

  private static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ForgeFailures.of(FailureType.INVALID_INPUT, name + " is missing");
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
