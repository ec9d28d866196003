package dev.forgepreview.workflows;

import dev.forgepreview.workflows.Compensations.Resource;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitDeploymentRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.AwaitSiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateQueueWorkerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DatabaseUserRef;
import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeploymentRef;
import dev.forgepreview.workflows.activities.ForgeActivities.GrantDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstallRepositoryRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstalledSite;
import dev.forgepreview.workflows.activities.ForgeActivities.ObtainCertificateRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.PreviewFileEnvironment;
import dev.forgepreview.workflows.activities.ForgeActivities.ServerRef;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteCommandRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealth;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteHealthRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.SiteRef;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestHead;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.HealthActivities.ConnectivityRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import dev.forgepreview.workflows.activities.SiteAccessActivities.InstallCertificateRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities.ProtectSiteRequest;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fifteen provisioning steps (README, The pipeline), and the deployment an update repeats. Each
 * critical step registers its compensation before it runs; a failure surfaces as {@link
 * StepRunner.StepFailed} and the caller rolls back.
 */
final class ProvisioningPipeline {
  private static final String PUBLISH_DEPLOYING = "publish-deploying";

  /** Version 1: a repository with {@code basicAuth} gets a security rule on the preview's site. */
  private static final String BASIC_AUTH = "basic-auth";

  /** Version 1: {@code certificate: wildcard} installs the configured existing certificate. */
  private static final String WILDCARD_CERTIFICATE = "wildcard-certificate";

  /**
   * Version 1: each deployment first writes the site's script pinned to the sha, an update without
   * a sha resolves the pull request's head, and a failed update is reported as such (and the
   * previous commit redeployed). Runs recorded before it replay without those commands.
   */
  private static final String PIN_COMMIT = "pin-deployed-commit";

  /**
   * Version 1: the clone reads the repository's newest master snapshot (the live master when there
   * is none yet, with a warning) and the status records where the data came from and its age. Runs
   * recorded before it cloned the live master.
   */
  private static final String CLONE_FROM_SNAPSHOT = "clone-from-snapshot";

  /**
   * Version 1: a repository whose {@code previewFile.allow} is not empty reads its preview file at
   * each deployed commit ({@code read-preview-file}), writes its environment, appends its deploy
   * commands to the script and runs its setup commands after the first deployment ({@code
   * setup-commands}). Repositories without it never ask for this version.
   */
  static final String PREVIEW_FILE = "preview-file";

  private final PreviewState state;
  private final StepRunner steps;
  private final Compensations compensations;
  private final Runnable publish;

  /**
   * What the install-repository step of this run saw of the site; null before it, and when the step
   * was recorded before it returned anything (the steps after it then read the site).
   */
  private InstalledSite installed;

  /** Whether this run's create-site step created the site (false: it adopted an existing one). */
  private boolean siteCreated;

  ProvisioningPipeline(
      PreviewState state, StepRunner steps, Compensations compensations, Runnable publish) {
    this.state = state;
    this.steps = steps;
    this.compensations = compensations;
    this.publish = publish;
  }

  void run() {
    PreviewSettings settings = state.settings;
    // The branch lives in the head repository: a fork's, for a pull request from a fork.
    String sourceRepository = settings.repository();
    if (state.branch == null || state.headSha == null) {
      PullRequestHead head =
          steps.critical(
              "resolve-pull-request",
              () ->
                  Workflow.newActivityStub(
                          GitHubActivities.class,
                          state.options.shortCall("Look up the pull request's head"))
                      .resolvePullRequest(state.pullRequestRef()));
      state.branch = head.branch();
      state.headSha = head.headSha();
      if (head.headRepository() != null) {
        sourceRepository = head.headRepository();
      }
    }
    String repository = sourceRepository;
    // Before anything is created: a malformed file fails the preview with nothing to roll back.
    readPreviewFile("read-preview-file", state.headSha);
    long serverId = server(settings);

    PreviewResourceNames names = state.names;
    String domain = names.siteDomain();
    compensations.register(Resource.SITE);
    SiteRef site =
        steps.critical(
            "create-site",
            () ->
                forge("3 Create site " + domain)
                    .createSite(
                        new CreateSiteRequest(
                            state.requestId("create-site"),
                            serverId,
                            domain,
                            names.siteUser(),
                            settings.phpVersion(),
                            "/public")));
    long siteId = site.siteId();
    siteCreated = site.created();
    state.resources = state.resources.withSite(siteId);
    protectSite(serverId, siteId);

    String database = names.database();
    compensations.register(Resource.DATABASE);
    DatabaseRef db =
        steps.critical(
            "create-database",
            () ->
                forge("4 Create database " + database)
                    .createDatabase(
                        new CreateDatabaseRequest(
                            state.requestId("create-database"), serverId, database)));
    state.resources = state.resources.withDatabase(db.databaseId());

    String user = names.databaseUser();
    compensations.register(Resource.DATABASE_USER);
    DatabaseUserRef dbUser =
        steps.critical(
            "create-database-user",
            () ->
                forge("5 Create database user " + user)
                    .createDatabaseUser(
                        new CreateDatabaseUserRequest(
                            state.requestId("create-database-user"),
                            serverId,
                            user,
                            state.previewId)));
    state.resources = state.resources.withDatabaseUser(dbUser.userId());

    steps.critical(
        "grant-database",
        () -> {
          forge("6 Grant " + user + " access to " + database)
              .grantDatabase(
                  new GrantDatabaseRequest(
                      state.requestId("grant-database"),
                      serverId,
                      dbUser.userId(),
                      db.databaseId()));
          return null;
        });

    cloneDatabase(database, user);

    installed =
        steps.critical(
            "install-repository",
            () ->
                forge("8 Install " + repository + " on " + state.branch)
                    .installRepository(
                        new InstallRepositoryRequest(
                            state.requestId("install-repository"),
                            serverId,
                            siteId,
                            settings.repositoryProvider(),
                            repository,
                            state.branch,
                            settings.composer())));

    steps.optional(
        "write-environment",
        () -> {
          writeEnvironment("write-environment", serverId, siteId, installed != null);
          return null;
        });

    queueWorker(serverId, siteId);
    certificate(serverId, siteId, domain);

    state.setPhase(Phase.DEPLOYING);
    // Added after the first release: runs recorded before it replay without this publish.
    if (Workflow.getVersion(PUBLISH_DEPLOYING, Workflow.DEFAULT_VERSION, 1) >= 1) {
      publish.run();
    }
    deploy(state.headSha);

    checkHealth(serverId, siteId);
  }

  /**
   * Basic auth in front of the site (the repository's {@code basicAuth}), before anything is
   * deployed on it. Critical: a preview that should be protected is never left open. The password
   * is looked up or derived inside the activity.
   */
  private void protectSite(long serverId, long siteId) {
    PreviewSettings.BasicAuth auth = state.settings.basicAuth();
    if (auth == null || Workflow.getVersion(BASIC_AUTH, Workflow.DEFAULT_VERSION, 1) < 1) {
      return;
    }
    compensations.register(Resource.SECURITY_RULE);
    steps.critical(
        "protect-site",
        () ->
            Workflow.newActivityStub(
                    SiteAccessActivities.class,
                    state.options.forge("3b Put basic auth in front of the site"))
                .protectSite(
                    new ProtectSiteRequest(
                        state.requestId("protect-site"),
                        serverId,
                        siteId,
                        SiteAccessActivities.RULE_NAME,
                        state.settings.repository(),
                        state.previewId)));
    state.access = "basic auth, user " + auth.username();
  }

  /** Steps 1 and 2; returns the server's id. */
  private long server(PreviewSettings settings) {
    long serverId;
    if (settings.mode() == Mode.DEDICATED) {
      String serverName = state.names.server();
      compensations.register(Resource.SERVER);
      ServerRef server =
          steps.critical(
              "create-server",
              () ->
                  forge("1 Create server " + serverName)
                      .createServer(
                          new CreateServerRequest(
                              state.requestId("create-server"), serverName, settings.server())));
      serverId = server.serverId();
      state.resources = state.resources.withServer(server.serverId(), server.ipAddress());
    } else {
      serverId = settings.sharedServerId();
      steps.skipped("create-server", "shared server " + serverId);
    }
    ServerRef ready =
        steps.critical(
            "wait-server-ready",
            () ->
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        state.options.serverReady("2 Wait until server " + serverId + " is ready"))
                    .awaitServerReady(
                        new AwaitServerRequest(state.requestId("wait-server-ready"), serverId)));
    state.resources = state.resources.withServer(serverId, ready.ipAddress());
    return serverId;
  }

  /** Step 7. */
  private void cloneDatabase(String database, String user) {
    PreviewSettings.MasterDatabase master = state.settings.masterDatabase();
    if (master == null) {
      steps.skipped("clone-database", "no master database configured");
      return;
    }
    String host = state.resources.serverIp();
    boolean fromSnapshot =
        Workflow.getVersion(CLONE_FROM_SNAPSHOT, Workflow.DEFAULT_VERSION, 1) >= 1;
    steps.optional(
        "clone-database",
        () -> {
          CloneResult result =
              Workflow.newActivityStub(
                      DatabaseCloneActivities.class,
                      state.options.clone(
                          "7 Clone " + master.database() + (fromSnapshot ? " (snapshot)" : "")))
                  .cloneDatabase(
                      new CloneDatabaseRequest(
                          state.requestId("clone-database"),
                          state.previewId,
                          master,
                          host,
                          database,
                          user,
                          fromSnapshot));
          if (!result.cloned()) {
            return steps.warning("clone-database", result.warning());
          }
          if (!fromSnapshot) {
            return "copied " + result.bytesCopied() + " bytes";
          }
          state.data = result.source();
          String copied =
              "copied "
                  + result.bytesCopied()
                  + " bytes"
                  + (result.source() == null
                      ? ""
                      : " from "
                          + result.source().database()
                          + " (taken "
                          + result.source().takenAt()
                          + ")");
          return result.warning() == null
              ? copied
              : steps.warning("clone-database", result.warning() + " (" + copied + ")");
        });
  }

  /** Step 10. */
  private void queueWorker(long serverId, long siteId) {
    PreviewSettings.QueueWorker worker = state.settings.queueWorker();
    if (worker == null) {
      steps.skipped("create-queue-worker", "no queue worker configured");
      return;
    }
    steps.optional(
        "create-queue-worker",
        () -> {
          long workerId =
              forge("10 Create a queue worker")
                  .createQueueWorker(
                      new CreateQueueWorkerRequest(
                          state.requestId("create-queue-worker"),
                          serverId,
                          siteId,
                          worker.connection(),
                          worker.queue(),
                          worker.processes(),
                          worker.timeout()));
          state.resources = state.resources.withWorker(workerId);
          return null;
        });
  }

  /** Step 11: Let's Encrypt, the configured wildcard certificate, or none. */
  private void certificate(long serverId, long siteId, String domain) {
    PreviewSettings.CertificateMode mode =
        state.settings.certificate() == null
            ? PreviewSettings.CertificateMode.LETSENCRYPT
            : state.settings.certificate();
    if (mode == PreviewSettings.CertificateMode.NONE) {
      steps.skipped("obtain-certificate", "certificates disabled");
      return;
    }
    if (mode == PreviewSettings.CertificateMode.WILDCARD
        && Workflow.getVersion(WILDCARD_CERTIFICATE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      steps.optional(
          "install-certificate",
          () -> {
            long certificateId =
                Workflow.newActivityStub(
                        SiteAccessActivities.class,
                        state.options.forge("11 Install the wildcard certificate on " + domain))
                    .installCertificate(
                        new InstallCertificateRequest(
                            state.requestId("install-certificate"),
                            serverId,
                            siteId,
                            domain,
                            state.settings.repository()));
            state.resources = state.resources.withCertificate(certificateId);
            return null;
          });
      return;
    }
    steps.optional(
        "obtain-certificate",
        () -> {
          long certificateId =
              forge("11 Obtain a Let's Encrypt certificate for " + domain)
                  .obtainCertificate(
                      new ObtainCertificateRequest(
                          state.requestId("obtain-certificate"), serverId, siteId, domain));
          state.resources = state.resources.withCertificate(certificateId);
          return null;
        });
  }

  /** Whether this run reads the repository's preview file (see {@link #PREVIEW_FILE}). */
  private boolean readsPreviewFile() {
    PreviewSettings.PreviewFile file = state.settings.previewFile();
    return file != null
        && file.enabled()
        && Workflow.getVersion(PREVIEW_FILE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Reads the preview file at {@code sha} into {@link PreviewState#previewFile} (critical: a
   * malformed file fails the preview, or the update); nothing when the file is not enabled.
   */
  private void readPreviewFile(String step, String sha) {
    if (!readsPreviewFile()) {
      state.previewFile = null;
      return;
    }
    PreviewSettings.PreviewFile file = state.settings.previewFile();
    String path = file.pathOrDefault();
    PreviewFileContent content =
        steps.critical(
            step,
            () ->
                Workflow.newActivityStub(
                        GitHubActivities.class,
                        state.options.shortCall(
                            "Read " + path + " at " + FailureText.shortSha(sha)))
                    .readPreviewFile(
                        new ReadPreviewFileRequest(
                            state.requestId(step),
                            state.pullRequestRef(),
                            sha,
                            path,
                            file.allow().stream()
                                .map(PreviewSettings.PreviewFilePart::value)
                                .toList())));
    state.previewFile = content;
    if (content.ignoredReason() != null) {
      state.warnings.add(step + ": " + path + " ignored: " + content.ignoredReason());
    }
    if (content.notAllowed() != null && !content.notAllowed().isEmpty()) {
      state.warnings.add(
          step
              + ": "
              + path
              + " holds "
              + String.join(", ", content.notAllowed())
              + ", which the repositories file does not allow: ignored");
    }
  }

  /** Step 9, and the environment an update with a preview file writes again. */
  private void writeEnvironment(
      String step, long serverId, long siteId, boolean repositoryInstalled) {
    PreviewFileContent file = state.previewFile;
    PreviewFileEnvironment fromFile =
        file != null && file.hasEnvironment()
            ? new PreviewFileEnvironment(
                state.settings.repository(), file.sha(), file.path(), file.environmentKeys())
            : null;
    forge("9 Write the environment file")
        .writeEnvironment(
            new WriteEnvironmentRequest(
                state.requestId(step),
                serverId,
                siteId,
                state.previewId,
                environment(state.names.database(), state.names.databaseUser()),
                state.settings.repository(),
                fromFile,
                repositoryInstalled));
  }

  /** The preview file's {@code deploy:} commands for the script, or null. */
  private List<String> deployCommands() {
    PreviewFileContent file = state.previewFile;
    return file == null || file.deploy() == null || file.deploy().isEmpty() ? null : file.deploy();
  }

  /**
   * The preview file's {@code setup:} commands, once, after the first deployment: one Forge site
   * command each, in order, each awaited before the next. Critical, like Heroku's {@code
   * postdeploy}: a preview whose seeding failed is not reported ready.
   */
  private void runSetupCommands(long serverId, long siteId) {
    PreviewFileContent file = state.previewFile;
    if (file == null || file.setup() == null || file.setup().isEmpty()) {
      return;
    }
    List<String> commands = file.setup();
    steps.critical(
        "setup-commands",
        () -> {
          for (int i = 0; i < commands.size(); i++) {
            String command = commands.get(i);
            String id = state.requestId("setup-commands") + ":" + (i + 1);
            String summary = "Setup command " + (i + 1) + " of " + commands.size();
            long commandId =
                forge(summary)
                    .runSiteCommand(new SiteCommandRequest(id, serverId, siteId, command));
            Workflow.newActivityStub(ForgeActivities.class, state.options.deployment(summary))
                .awaitSiteCommand(new AwaitSiteCommandRequest(id, serverId, siteId, commandId));
          }
          return null;
        });
  }

  /** Whether this run pins each deployment to its sha (see {@link #PIN_COMMIT}). */
  static boolean pinsCommits() {
    return Workflow.getVersion(PIN_COMMIT, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** Steps 12 and 13: deploy and wait; also every later update. */
  void deploy(String sha) {
    long serverId = state.resources.serverId();
    long siteId = state.resources.siteId();
    // Counts failed attempts too, so a failed update and the redeploy after it have their own
    // names.
    int generation = Math.max(state.deployments, state.deployAttempts) + 1;
    state.deployAttempts = generation;
    String deployStep = generation == 1 ? "deploy" : "deploy#" + generation;
    String waitStep = generation == 1 ? "wait-deployment" : "wait-deployment#" + generation;
    boolean pinned = pinsCommits();
    // The first deployment after this run's install: what the install saw of the site stands.
    // A site this run created has an empty history, unless quick deploy was on (a push may have
    // deployed since); an adopted one may have deployed before. Later deployments read both
    // again: a person may have changed them since.
    InstalledSite fresh = generation == 1 ? installed : null;
    boolean firstOnSite = fresh != null && siteCreated && !fresh.quickDeploy();
    if (generation > 1 && pinned) {
      // Each commit brings its own preview file (the first deployment's was read before the site
      // was created); its environment is written again, so a changed or removed value follows.
      readPreviewFile("read-preview-file#" + generation, sha);
      PreviewFileContent file = state.previewFile;
      if (file != null
          && state.settings.previewFile().allows(PreviewSettings.PreviewFilePart.ENVIRONMENT)) {
        String envStep = "write-environment#" + generation;
        steps.critical(
            envStep,
            () -> {
              writeEnvironment(envStep, serverId, siteId, true);
              return null;
            });
      }
    }
    if (pinned) {
      String scriptStep = generation == 1 ? "deploy-script" : "deploy-script#" + generation;
      steps.critical(
          scriptStep,
          () -> {
            forge("12 Pin the deployment script to " + FailureText.shortSha(sha))
                .writeDeploymentScript(
                    new WriteDeploymentScriptRequest(
                        state.requestId(scriptStep),
                        serverId,
                        siteId,
                        sha,
                        state.branch,
                        state.settings.phpVersion(),
                        state.settings.deployScript(),
                        state.settings.repository(),
                        deployCommands(),
                        fresh));
            return null;
          });
    }
    DeploymentRef started =
        steps.critical(
            deployStep,
            () ->
                forge("12 Deploy " + FailureText.shortSha(sha))
                    .deploySite(
                        new DeployRequest(
                            state.requestId(deployStep), serverId, siteId, sha, firstOnSite)));
    DeploymentRef finished =
        steps.critical(
            waitStep,
            () ->
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        state.options.deployment("13 Wait for the deployment"))
                    .awaitDeployment(
                        new AwaitDeploymentRequest(
                            state.requestId(waitStep), serverId, siteId, started.deploymentId())));
    state.deployments++;
    state.deploymentsThisRun++;
    String reported = finished.commitHash();
    if (!pinned) {
      state.deployedSha = reported != null ? reported : sha;
    } else if (reported == null || sameCommit(reported, sha)) {
      state.deployedSha = reported != null ? reported : sha;
    } else {
      // The script checked out the sha (it stops at the first failing command).
      state.deployedSha = sha;
      state.warnings.add(
          "deployment "
              + finished.deploymentId()
              + ": Forge reports commit "
              + FailureText.clip(reported)
              + ", the script checked out "
              + sha);
    }
    state.requestedSha = sha;
    state.resources = state.resources.withDeployment(finished.deploymentId());
    if (state.deployments == 1) {
      runSetupCommands(serverId, siteId);
    }
  }

  /** A full sha and its abbreviation name the same commit. */
  private static boolean sameCommit(String a, String b) {
    return a.length() >= 7 && b.length() >= 7 && (a.startsWith(b) || b.startsWith(a));
  }

  /** Steps 14 and 15: never fail the preview, only warn. */
  private void checkHealth(long serverId, long siteId) {
    PreviewActivityOptions options = state.options;
    steps.optional(
        "site-health",
        () -> {
          SiteHealth health = null;
          for (int attempt = 1; attempt <= options.healthTries(); attempt++) {
            health =
                Workflow.newActivityStub(
                        ForgeActivities.class,
                        options.once("14 Check the site's health", PreviewIds.FORGE_TASK_QUEUE))
                    .checkSiteHealth(
                        new SiteHealthRequest(state.requestId("site-health"), serverId, siteId));
            if (health.healthy()) {
              return "healthy";
            }
            if (attempt < options.healthTries()) {
              Workflow.sleep(options.healthInterval());
            }
          }
          return steps.warning("site-health", "site unhealthy: " + health.detail());
        });
    steps.optional(
        "connectivity",
        () -> {
          int code =
              Workflow.newActivityStub(
                      HealthActivities.class, options.connectivity("15 Reach " + state.previewUrl))
                  .checkConnectivity(
                      new ConnectivityRequest(
                          state.requestId("connectivity"),
                          state.previewUrl,
                          state.settings.repository(),
                          state.previewId));
          return "HTTP " + code;
        });
  }

  private Map<String, String> environment(String database, String user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("APP_ENV", "testing");
    env.put("APP_URL", state.previewUrl);
    env.put("DB_CONNECTION", "mysql");
    env.put("DB_HOST", "127.0.0.1");
    env.put("DB_PORT", "3306");
    env.put("DB_DATABASE", database);
    env.put("DB_USERNAME", user);
    env.put("REDIS_DB", Integer.toString(state.names.redisDatabase()));
    if (state.settings.environment() != null) {
      env.putAll(state.settings.environment());
    }
    return env;
  }

  private ForgeActivities forge(String summary) {
    return Workflow.newActivityStub(ForgeActivities.class, state.options.forge(summary));
  }
}
