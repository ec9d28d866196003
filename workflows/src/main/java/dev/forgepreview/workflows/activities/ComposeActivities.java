package dev.forgepreview.workflows.activities;

import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * The compose backend: a docker compose project per preview on a host of our own, driven over SSH.
 * Runs on the {@code forge-preview} task queue. Every value in a request is validated by the
 * activity and quoted before it reaches the host's shell; a value that fails validation is refused
 * with {@code INVALID_INPUT} before anything runs. Every method is idempotent: a retry after a
 * crash finds what the first attempt did.
 */
@ActivityInterface
public interface ComposeActivities {

  /**
   * Step 2: the work directory {@code {root}/{project}}, a clone (or fetch) of the repository and a
   * hard reset to exactly {@code sha}, never the branch head. Claims the preview's port on the host
   * and fails {@code FAILED} when another project holds it (a guard: the host's admission
   * coordinator hands out unique ports).
   */
  @ActivityMethod
  CheckoutResult checkoutSource(CheckoutRequest request);

  /**
   * Step 3: the compose file. The repository's {@code docker-compose.preview.yml} when present,
   * else one generated for its {@code Dockerfile} with the port, environment, limits and our label,
   * and the preview file's extra services (same network mode, limits and label) when the request
   * names them; a repository with its own compose file and extra services fails {@code FAILED}.
   */
  @ActivityMethod
  ComposeFile renderComposeFile(RenderComposeRequest request);

  /**
   * Step 4: {@code up -d --build} under a per-preview lock on the host, so a retry after a crash
   * waits for a build still running instead of starting a second one. The build log stays in the
   * work directory; a failed build fails {@code FAILED} with the log's end.
   */
  @ActivityMethod
  void composeUp(ComposeUpRequest request);

  /** Step 5, a poll: HTTP on the app's port answers, else a benign {@code NOT_READY}. */
  @ActivityMethod
  int awaitAppHealthy(ComposeTarget request);

  /**
   * Step 6: the preview's nginx file, {@code nginx -t}, then a reload; a file nginx refuses is
   * removed again and the step fails {@code FAILED} with nginx's message. With {@code basicAuth}
   * the htpasswd file {@code {nginxConfigDirectory}/{project}.htpasswd} (APR1-MD5) is written first
   * and the file asks for it; a repository whose credentials cannot be worked out any more fails
   * {@code INVALID_INPUT} and nothing is published open.
   */
  @ActivityMethod
  void publishNginxSite(NginxSiteRequest request);

  /** Compensation of step 6: removes the preview's nginx and htpasswd files and reloads nginx. */
  @ActivityMethod
  void removeNginxSite(NginxSiteRequest request);

  /** Compensation of step 4: {@code down -v --remove-orphans --rmi local}; harmless when gone. */
  @ActivityMethod
  void composeDown(ComposeTarget request);

  /** Compensation of step 2: removes the work directory and every port claim of the project. */
  @ActivityMethod
  void removeWorkDirectory(ComposeTarget request);

  /**
   * The cleanup: every compose project of ours on the host ({@code fp-} prefix), found by its
   * containers' compose label, its work directory or its nginx file, with the age of what was found
   * first. The cleanup removes those no running preview owns.
   */
  @ActivityMethod
  List<HostProject> listComposeProjects(ComposeTarget request);

  /**
   * @param ageSeconds seconds since the project's work directory (or nginx file) was last changed,
   *     or -1 when only containers are left
   */
  record HostProject(String project, long ageSeconds) {}

  /**
   * What one preview is on its host.
   *
   * @param project the compose project name ({@code fp-{project}-pr{number}})
   * @param port the app's port on the host
   */
  record ComposeTarget(String requestId, ComposeHost host, String project, int port) {}

  /**
   * The branch never reaches the host: the checkout fetches the repository's branches and resets to
   * the sha.
   *
   * @param repository {@code owner/repo} to clone (the fork's for a pull request from a fork)
   */
  record CheckoutRequest(ComposeTarget target, String repository, String sha) {}

  /** The commit now checked out. */
  record CheckoutResult(String sha) {}

  /**
   * @param environment variables the workflow adds ({@code APP_ENV}, {@code APP_URL})
   * @param repository whose configured {@code environment:} the worker adds, looked up by the
   *     activity so that no configured value travels through history; null for none
   * @param services the preview file's extra services to add to the generated compose file, or null
   *     for none
   */
  record RenderComposeRequest(
      ComposeTarget target,
      Map<String, String> environment,
      String repository,
      PreviewServices services) {

    /** Without extra services. */
    public RenderComposeRequest(
        ComposeTarget target, Map<String, String> environment, String repository) {
      this(target, environment, repository, null);
    }
  }

  /**
   * The extra services of a repository's preview file ({@code services:}), by name only: the
   * activity reads their definitions again from the file at {@code sha}, so they never travel
   * through history. A file that no longer holds exactly these services fails {@code
   * INVALID_INPUT}.
   *
   * @param repository {@code owner/repo} whose file it is (the base repository)
   * @param sha the commit the file was read at
   * @param path the file's path in the repository
   * @param names the services' names, in the file's order
   */
  record PreviewServices(String repository, String sha, String path, List<String> names) {}

  /**
   * @param path the compose file on the host
   * @param source {@code repository} (the repository's own preview file), {@code generated} (for
   *     its {@code Dockerfile}), or {@code generated:node}, {@code generated:nestjs}, {@code
   *     generated:go} (a template's Dockerfile generated too)
   */
  record ComposeFile(String path, String source) {}

  /** {@code environment} and {@code repository} as in {@link RenderComposeRequest}. */
  record ComposeUpRequest(
      ComposeTarget target,
      String composeFile,
      Map<String, String> environment,
      String repository) {}

  /**
   * @param domain the preview's host name ({@code HOST} routing) or the shared domain ({@code
   *     PATH})
   * @param pathPrefix the preview's path ({@code PATH} routing), else null
   * @param basicAuth whose basic auth to put in front of the preview, or null for none (and for the
   *     compensation, which removes the htpasswd file either way)
   */
  record NginxSiteRequest(
      ComposeTarget target, String domain, String pathPrefix, BasicAuthFor basicAuth) {

    /** An open site, or the compensation's request. */
    public NginxSiteRequest(ComposeTarget target, String domain, String pathPrefix) {
      this(target, domain, pathPrefix, null);
    }
  }

  /**
   * The preview whose basic auth credentials the activity works out: the user from the repository's
   * {@code basicAuth} in the worker's settings, the password from the worker's environment ({@code
   * ${env:NAME}}) or derived from the preview id. Neither travels through history.
   *
   * @param repository {@code owner/repo}
   * @param previewId the preview's workflow id
   */
  record BasicAuthFor(String repository, String previewId) {}
}
