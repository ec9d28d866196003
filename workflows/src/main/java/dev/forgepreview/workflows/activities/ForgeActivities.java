package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * Every Forge API call of the pipeline and its teardown. Runs on the {@code forge-api} task queue.
 *
 * <p>Contract of every method: one record in, idempotent. A create first looks for what an earlier
 * attempt may have created (by name or domain) and adopts it; a create that must wait for Forge to
 * finish installing fails with the benign {@code NOT_READY} type until it is done, so the
 * workflow's retry policy is the poll. A delete is harmless when the thing is already gone (looked
 * up by name, because it is registered as a compensation before its action ran). Failures are
 * {@code ApplicationFailure}s typed by {@link dev.forgepreview.workflows.FailureType}; a 429 sets
 * the next retry delay to what Forge asked for. {@code requestId} names the step's request in logs
 * and lets a test match each compensation with its action.
 */
@ActivityInterface
public interface ForgeActivities {

  @ActivityMethod
  ServerRef createServer(CreateServerRequest request);

  /** Fails with {@code NOT_READY} until {@code is_ready}; the retry policy bounds the wait. */
  @ActivityMethod
  ServerRef awaitServerReady(AwaitServerRequest request);

  @ActivityMethod
  void deleteServer(DeleteServerRequest request);

  /** Creates (or adopts) the isolated site and returns once it is {@code installed}. */
  @ActivityMethod
  SiteRef createSite(CreateSiteRequest request);

  @ActivityMethod
  void deleteSite(DeleteSiteRequest request);

  @ActivityMethod
  DatabaseRef createDatabase(CreateDatabaseRequest request);

  @ActivityMethod
  void deleteDatabase(DeleteDatabaseRequest request);

  /** The password is derived inside the activity from the preview id; it never enters history. */
  @ActivityMethod
  DatabaseUserRef createDatabaseUser(CreateDatabaseUserRequest request);

  @ActivityMethod
  void deleteDatabaseUser(DeleteDatabaseUserRequest request);

  @ActivityMethod
  void grantDatabase(GrantDatabaseRequest request);

  /**
   * Installs the repository on the branch and returns once {@code repository_status} is installed,
   * with what the answer that said so tells of the site, so the steps after it need not read the
   * site again. (Null in histories recorded before it returned anything.)
   */
  @ActivityMethod
  InstalledSite installRepository(InstallRepositoryRequest request);

  /** Writes the whole environment file; adds {@code DB_PASSWORD} itself. */
  @ActivityMethod
  void writeEnvironment(WriteEnvironmentRequest request);

  @ActivityMethod
  long createQueueWorker(CreateQueueWorkerRequest request);

  /** Requests a Let's Encrypt certificate and returns once it is active. */
  @ActivityMethod
  long obtainCertificate(ObtainCertificateRequest request);

  /**
   * Makes the next deployment check out exactly {@code request.sha()}: turns quick deploy off when
   * the site has it on (nothing deploys behind the workflow's back), then writes the site's
   * deployment script rendered from {@code request.template()} (null: the built-in default).
   * Idempotent.
   */
  @ActivityMethod
  void writeDeploymentScript(WriteDeploymentScriptRequest request);

  /**
   * Starts a deployment, at most once per request even when retried. Returns the history entry,
   * except on the first attempt of a {@link DeployRequest#firstOnSite()} request: then the
   * deployment id is 0 (the site's newest, which on a site without deployments is this one) and the
   * wait reads it.
   */
  @ActivityMethod
  DeploymentRef deploySite(DeployRequest request);

  /**
   * Fails with {@code NOT_READY} while the deployment runs; with non-retryable {@code FAILED} when
   * it ended {@code failed}, the end of its log (redacted, bounded by {@link
   * dev.forgepreview.workflows.DeploymentLogTail}) as the failure's first detail.
   */
  @ActivityMethod
  DeploymentRef awaitDeployment(AwaitDeploymentRequest request);

  /** The site as the API sees it: installed, repository installed, not stuck deploying. */
  @ActivityMethod
  SiteHealth checkSiteHealth(SiteHealthRequest request);

  /**
   * Starts one site command ({@code POST …/sites/{site}/commands}) and returns its id, at most once
   * per request even when retried: the newest command id is recorded before posting, and a retry
   * adopts a newer command with the same text.
   */
  @ActivityMethod
  long runSiteCommand(SiteCommandRequest request);

  /**
   * Fails with {@code NOT_READY} while the command is {@code waiting} or {@code running}; with
   * non-retryable {@code FAILED} when it ended {@code failed}, the end of its output (redacted) as
   * the failure's first detail.
   */
  @ActivityMethod
  SiteCommandRef awaitSiteCommand(AwaitSiteCommandRequest request);

  /** Resources that follow our naming, for the cleanup workflow's orphan search. */
  @ActivityMethod
  ForgeInventory listPreviewResources(ListPreviewResourcesRequest request);

  record CreateServerRequest(String requestId, String name, ServerSpec spec) {}

  record AwaitServerRequest(String requestId, long serverId) {}

  record ServerRef(long serverId, String name, String ipAddress, boolean ready) {}

  record DeleteServerRequest(String requestId, String name) {}

  record CreateSiteRequest(
      String requestId,
      long serverId,
      String domain,
      String username,
      String phpVersion,
      String directory) {}

  /**
   * {@code created}: this activity's own request created the site (false: it found one of that
   * domain, say a leftover of an earlier run, which may have deployed before; and in histories
   * recorded before the field).
   */
  record SiteRef(long serverId, long siteId, String domain, boolean created) {
    public SiteRef(long serverId, long siteId, String domain) {
      this(serverId, siteId, domain, false);
    }
  }

  record DeleteSiteRequest(String requestId, long serverId, String domain) {}

  record CreateDatabaseRequest(String requestId, long serverId, String name) {}

  record DatabaseRef(long serverId, long databaseId, String name) {}

  record DeleteDatabaseRequest(String requestId, long serverId, String name) {}

  /** {@code previewId} is the key from which the password is derived. */
  record CreateDatabaseUserRequest(
      String requestId, long serverId, String userName, String previewId) {}

  record DatabaseUserRef(long serverId, long userId, String name) {}

  record DeleteDatabaseUserRequest(String requestId, long serverId, String userName) {}

  record GrantDatabaseRequest(String requestId, long serverId, long userId, long databaseId) {}

  record InstallRepositoryRequest(
      String requestId,
      long serverId,
      long siteId,
      String provider,
      String repository,
      String branch,
      boolean composer) {}

  /**
   * The site as the answer that reported its repository installed showed it: its user and name (the
   * site's path is {@code /home/{username}/{name}}) and whether quick deploy was on.
   */
  record InstalledSite(String username, String name, boolean quickDeploy) {}

  /**
   * {@code variables} holds no configured value and no secret: the names the workflow derives
   * ({@code APP_URL}, {@code DB_DATABASE}, ...) and the keys of the repository's {@code
   * environment:} block with empty values. The activity looks the repository's {@code environment:}
   * values up in the worker's current settings itself (resolving {@code ${env:NAME}}), so
   * configured values never reach workflow history. {@code DB_PASSWORD} is derived from {@code
   * previewId}. {@code repository} ({@code owner/repo}) is null in requests recorded before it was
   * added: their {@code variables} are written as they are.
   */
  /**
   * {@code previewFile}: the repository's preview file whose {@code environment:} values (for the
   * keys it names) the activity reads again at its sha and writes over the configured ones; null:
   * none. {@code repositoryInstalled}: the workflow saw the repository installed (the
   * install-repository step returned), so the activity writes without reading the site first;
   * false: it reads the site and waits for the install.
   */
  record WriteEnvironmentRequest(
      String requestId,
      long serverId,
      long siteId,
      String previewId,
      Map<String, String> variables,
      String repository,
      PreviewFileEnvironment previewFile,
      boolean repositoryInstalled) {

    public WriteEnvironmentRequest(
        String requestId,
        long serverId,
        long siteId,
        String previewId,
        Map<String, String> variables,
        String repository,
        PreviewFileEnvironment previewFile) {
      this(requestId, serverId, siteId, previewId, variables, repository, previewFile, false);
    }

    public WriteEnvironmentRequest(
        String requestId,
        long serverId,
        long siteId,
        String previewId,
        Map<String, String> variables,
        String repository) {
      this(requestId, serverId, siteId, previewId, variables, repository, null, false);
    }
  }

  /**
   * Where a preview file's environment values are read again: {@code repository} ({@code
   * owner/repo}), {@code sha}, {@code path}; only {@code keys} are taken.
   */
  record PreviewFileEnvironment(String repository, String sha, String path, List<String> keys) {}

  /** One command run in the site's directory as the site's user. */
  record SiteCommandRequest(String requestId, long serverId, long siteId, String command) {}

  record AwaitSiteCommandRequest(String requestId, long serverId, long siteId, long commandId) {}

  /** A site command and its last seen status. */
  record SiteCommandRef(long commandId, String status) {}

  record CreateQueueWorkerRequest(
      String requestId,
      long serverId,
      long siteId,
      String connection,
      String queue,
      int processes,
      int timeout) {}

  record ObtainCertificateRequest(String requestId, long serverId, long siteId, String domain) {}

  /**
   * {@code template} uses {@code {sha}}, {@code {branch}}, {@code {site_path}} and {@code {php}};
   * {@code phpVersion} is Forge's name ({@code php83}).
   */
  record WriteDeploymentScriptRequest(
      String requestId,
      long serverId,
      long siteId,
      String sha,
      String branch,
      String phpVersion,
      String template,
      String repository,
      List<String> extraCommands,
      InstalledSite site) {

    /**
     * {@code extraCommands}: the preview file's {@code deploy:} commands, appended to the script;
     * null or empty: none. {@code site}: the site as the install-repository step just saw it, for
     * the script's path and quick deploy without reading the site; null: the activity reads it.
     */
    public WriteDeploymentScriptRequest(
        String requestId,
        long serverId,
        long siteId,
        String sha,
        String branch,
        String phpVersion,
        String template,
        String repository,
        List<String> extraCommands) {
      this(
          requestId,
          serverId,
          siteId,
          sha,
          branch,
          phpVersion,
          template,
          repository,
          extraCommands,
          null);
    }

    public WriteDeploymentScriptRequest(
        String requestId,
        long serverId,
        long siteId,
        String sha,
        String branch,
        String phpVersion,
        String template,
        String repository) {
      this(requestId, serverId, siteId, sha, branch, phpVersion, template, repository, null, null);
    }

    /** Without the repository: the template is used as it comes (requests recorded before). */
    public WriteDeploymentScriptRequest(
        String requestId,
        long serverId,
        long siteId,
        String sha,
        String branch,
        String phpVersion,
        String template) {
      this(requestId, serverId, siteId, sha, branch, phpVersion, template, null, null, null);
    }
  }

  /**
   * {@code firstOnSite}: this preview created the site and has not deployed it yet, and quick
   * deploy was off when its repository was installed (no push can have deployed since), so there is
   * no earlier history entry to tell this deployment from: the first attempt posts without reading
   * the history before or after.
   */
  record DeployRequest(
      String requestId, long serverId, long siteId, String headSha, boolean firstOnSite) {
    public DeployRequest(String requestId, long serverId, long siteId, String headSha) {
      this(requestId, serverId, siteId, headSha, false);
    }
  }

  /** {@code deploymentId} is the history entry's id, {@code status} its last seen status. */
  record DeploymentRef(
      long serverId, long siteId, long deploymentId, String status, String commitHash) {}

  record AwaitDeploymentRequest(String requestId, long serverId, long siteId, long deploymentId) {}

  record SiteHealthRequest(String requestId, long serverId, long siteId) {}

  record SiteHealth(boolean healthy, String siteStatus, String repositoryStatus, String detail) {}

  /**
   * {@code serverId} null: servers whose names start with {@code namePrefix}; else the sites and
   * databases on that server. {@code all}: every one, whatever its name (the cleanup recognises its
   * own by parsing each name back through the configured templates); otherwise a null or blank
   * prefix and suffix match nothing.
   */
  record ListPreviewResourcesRequest(
      Long serverId, String namePrefix, String domainSuffix, boolean all) {
    public ListPreviewResourcesRequest(Long serverId, String namePrefix, String domainSuffix) {
      this(serverId, namePrefix, domainSuffix, false);
    }

    /** Everything on the server (or every server): the caller decides what is its own. */
    public static ListPreviewResourcesRequest everything(Long serverId) {
      return new ListPreviewResourcesRequest(serverId, null, null, true);
    }
  }

  /** Servers, sites and databases whose names start with the prefix (or end with the suffix). */
  record ForgeInventory(List<NamedResource> resources) {}

  /**
   * One resource of {@link ForgeInventory}. {@code kind} is {@code server}, {@code site} or {@code
   * database}; {@code name} is the server's or database's name or the site's domain; {@code
   * createdAt} is Forge's timestamp as it was sent (may be null).
   */
  record NamedResource(String kind, long id, long serverId, String name, String createdAt) {}
}
