package dev.forgepreview.activities.compose;

import dev.forgepreview.activities.forge.EnvironmentFile;
import dev.forgepreview.activities.forge.EnvironmentFile.InvalidEnvironmentException;
import dev.forgepreview.activities.github.PreviewFile;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.BasicAuthCredentials.Credentials;
import dev.forgepreview.activities.secrets.Redactor;
import dev.forgepreview.activities.ssh.SafeNames;
import dev.forgepreview.activities.ssh.SafeNames.InvalidNameException;
import dev.forgepreview.activities.ssh.SshCommandException;
import dev.forgepreview.activities.ssh.SshConnection;
import dev.forgepreview.activities.ssh.SshConnection.RemoteCommand;
import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshException;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ComposeActivities} over SSH (sshj through {@link SshConnector}): each call connects to the
 * compose host, runs one script of {@link ComposeScripts} and disconnects. Failures are typed: a
 * value that fails validation is {@code INVALID_INPUT} before any connection; a build, an nginx
 * file or a port the host refuses is {@code FAILED} with the host's message (redacted); a lost
 * connection or a command that failed otherwise is {@code TRANSIENT}; a refused key or host key is
 * {@code AUTHENTICATION}.
 */
public final class ComposeActivitiesImpl implements ComposeActivities {
  private static final Logger log = LoggerFactory.getLogger(ComposeActivitiesImpl.class);
  private static final Set<Integer> FINAL_STATUSES =
      Set.of(
          ComposeScripts.PORT_TAKEN,
          ComposeScripts.BUILD_FAILED,
          ComposeScripts.NO_COMPOSE,
          ComposeScripts.NGINX_REFUSED);
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final SshConnector connector;
  private final Function<String, String> workerEnvironment;
  private final Function<String, Map<String, String>> configuredEnvironment;
  private final BasicAuthCredentials credentials;
  private final PreviewFileServices previewFiles;

  /**
   * @param workerEnvironment resolves {@code ${env:NAME}} in environment values (the worker's own
   *     secrets excluded by the caller); the values are resolved here, never in workflow history
   * @param configuredEnvironment the {@code environment:} block of {@code owner/repo} in the
   *     repositories file, or null when the repository is no longer configured
   */
  public ComposeActivitiesImpl(
      SshConnector connector,
      Function<String, String> workerEnvironment,
      Function<String, Map<String, String>> configuredEnvironment) {
    this(connector, workerEnvironment, configuredEnvironment, null);
  }

  /**
   * @param credentials the basic auth credentials of a preview (the same ones the operators' CLI
   *     shows); null: a preview asking for basic auth is refused
   */
  public ComposeActivitiesImpl(
      SshConnector connector,
      Function<String, String> workerEnvironment,
      Function<String, Map<String, String>> configuredEnvironment,
      BasicAuthCredentials credentials) {
    this(connector, workerEnvironment, configuredEnvironment, credentials, null);
  }

  /**
   * @param previewFiles reads a preview file's extra services at its commit; null: a preview asking
   *     for extra services is refused
   */
  public ComposeActivitiesImpl(
      SshConnector connector,
      Function<String, String> workerEnvironment,
      Function<String, Map<String, String>> configuredEnvironment,
      BasicAuthCredentials credentials,
      PreviewFileServices previewFiles) {
    this.connector = connector;
    this.workerEnvironment = workerEnvironment;
    this.configuredEnvironment = configuredEnvironment;
    this.credentials = credentials;
    this.previewFiles = previewFiles;
  }

  @Override
  public CheckoutResult checkoutSource(CheckoutRequest request) {
    ComposeValues v = values(request.target());
    String url;
    String sha;
    try {
      url = v.repositoryUrl(request.repository());
      sha = ComposeValues.sha(request.sha());
    } catch (InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
    String out =
        run(v, "check out " + request.repository(), ComposeScripts.checkout(v, url, sha), "");
    String head = out.strip();
    if (!head.equals(sha)) {
      throw failure(
          FailureType.FAILED, "the checkout of " + v.project() + " is not at the sha asked for");
    }
    return new CheckoutResult(head);
  }

  @Override
  public ComposeFile renderComposeFile(RenderComposeRequest request) {
    ComposeValues v = values(request.target());
    Map<String, String> environment = environment(request.environment(), request.repository());
    Map<String, PreviewFile.Service> services = services(request.services());
    String detected =
        run(v, "look at the checkout of " + v.project(), ComposeScripts.detect(v), "").strip();
    if (detected.equals("repository")) {
      if (!services.isEmpty()) {
        throw failure(
            FailureType.FAILED,
            "the repository has its own "
                + ComposeScripts.REPOSITORY_FILE
                + ": the preview file's services go into that file instead");
      }
      return new ComposeFile(
          v.directory() + "/src/" + ComposeScripts.REPOSITORY_FILE, "repository");
    }
    if (detected.equals("none")) {
      throw failure(
          FailureType.FAILED,
          "the repository has no "
              + ComposeScripts.REPOSITORY_FILE
              + ", no Dockerfile, no package.json and no go.mod: nothing to build a preview from");
    }
    ComposeTemplates.Framework framework;
    try {
      framework = ComposeTemplates.Framework.parse(detected);
    } catch (IllegalArgumentException e) {
      throw failure(FailureType.BAD_RESPONSE, "unexpected answer looking at the checkout");
    }
    String path =
        run(
                v,
                "write the compose file of " + v.project(),
                ComposeScripts.writeGenerated(v, framework),
                ComposeScripts.composeFile(v, environment, framework, services))
            .strip();
    if (!path.equals(v.directory() + "/docker-compose.yml")) {
      throw failure(FailureType.BAD_RESPONSE, "unexpected answer writing the compose file");
    }
    return new ComposeFile(path, framework.source());
  }

  @Override
  public void composeUp(ComposeUpRequest request) {
    ComposeValues v = values(request.target());
    Map<String, String> environment = environment(request.environment(), request.repository());
    String file;
    try {
      file = ComposeValues.path("compose file", request.composeFile());
    } catch (InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
    if (!file.startsWith(v.directory() + "/")) {
      throw failure(FailureType.INVALID_INPUT, "the compose file is outside " + v.directory());
    }
    String purpose = "build and start " + v.project();
    try (SshConnection ssh = connect(v);
        RemoteCommand command = ssh.start(purpose, shell(ComposeScripts.up(v, file)))) {
      command
          .stdin()
          .write(ComposeScripts.environmentFile(v, environment).getBytes(StandardCharsets.UTF_8));
      command.closeStdin();
      long deadline = System.nanoTime() + v.build().plusMinutes(1).toNanos();
      while (!command.hasEnded(HEARTBEAT)) {
        heartbeat();
        if (System.nanoTime() > deadline) {
          throw failure(FailureType.FAILED, purpose + " did not finish within " + v.build());
        }
      }
      Integer status = command.awaitExit(Duration.ofSeconds(10));
      if (status == null || status != 0) {
        throw toFailure(
            new SshCommandException(purpose, status, command.exitSignal(), command.stderr()));
      }
    } catch (SshException e) {
      throw toFailure(e);
    } catch (java.io.IOException e) {
      throw toFailure(new SshException(SshException.Kind.CONNECTION_LOST, purpose + ": " + e, e));
    }
  }

  @Override
  public int awaitAppHealthy(ComposeTarget request) {
    ComposeValues v = values(request);
    String code = run(v, "HTTP check of " + v.project(), ComposeScripts.health(v), "").strip();
    int status;
    try {
      status = Integer.parseInt(code);
    } catch (NumberFormatException e) {
      throw failure(FailureType.BAD_RESPONSE, "curl on the host answered " + code);
    }
    if (status == 0 || status >= 500) {
      throw ActivityFailures.notReady(
          v.project()
              + " does not answer on port "
              + v.port()
              + " yet"
              + (status == 0 ? "" : " (HTTP " + status + ")"));
    }
    return status;
  }

  @Override
  public void publishNginxSite(NginxSiteRequest request) {
    ComposeValues v = values(request.target());
    String domain;
    String prefix = null;
    try {
      domain = SafeNames.requireHost(request.domain());
      if (v.routing() == Routing.PATH) {
        prefix = ComposeValues.require("path prefix", request.pathPrefix(), PATH_PREFIX);
      }
    } catch (InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
    boolean protect = request.basicAuth() != null;
    if (protect) {
      // Written first: the nginx file that asks for it is published only once it is there.
      String users = htpasswd(request.basicAuth());
      run(v, "write the htpasswd file of " + v.project(), ComposeScripts.writeHtpasswd(v), users);
    }
    run(
        v,
        "publish the nginx site of " + v.project(),
        ComposeScripts.publishNginx(v),
        ComposeScripts.nginxSite(v, domain, prefix, protect));
  }

  /** The preview file's extra services, read again at their commit; none without a request. */
  private Map<String, PreviewFile.Service> services(PreviewServices request) {
    if (request == null || request.names() == null || request.names().isEmpty()) {
      return Map.of();
    }
    if (previewFiles == null) {
      throw failure(FailureType.INVALID_INPUT, "this worker cannot read preview files");
    }
    return previewFiles.services(request);
  }

  /**
   * The htpasswd line of the preview's credentials, worked out here (never in history); a preview
   * whose credentials cannot be worked out is refused, never published open.
   */
  private String htpasswd(BasicAuthFor auth) {
    if (auth.repository() == null || auth.previewId() == null) {
      throw failure(FailureType.INVALID_INPUT, "basic auth needs the repository and the preview");
    }
    if (credentials == null) {
      throw failure(
          FailureType.INVALID_INPUT, "this worker cannot work out basic auth credentials");
    }
    Credentials user;
    try {
      user =
          credentials
              .of(auth.repository(), auth.previewId())
              .orElseThrow(
                  () ->
                      failure(
                          FailureType.INVALID_INPUT,
                          auth.repository()
                              + " has no basicAuth in the repositories file any more"));
    } catch (BasicAuthCredentials.UnavailableException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
    try {
      return Htpasswd.line(user.username(), user.password());
    } catch (IllegalArgumentException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
  }

  private static final java.util.regex.Pattern PATH_PREFIX =
      java.util.regex.Pattern.compile("/[A-Za-z0-9_-]{1,63}/");

  @Override
  public void removeNginxSite(NginxSiteRequest request) {
    ComposeValues v = values(request.target());
    run(v, "remove the nginx site of " + v.project(), ComposeScripts.removeNginx(v), "");
  }

  @Override
  public void composeDown(ComposeTarget request) {
    ComposeValues v = values(request);
    run(v, "stop and remove " + v.project(), ComposeScripts.down(v), "");
  }

  @Override
  public void removeWorkDirectory(ComposeTarget request) {
    ComposeValues v = values(request);
    run(
        v,
        "remove the work directory of " + v.project(),
        ComposeScripts.removeWorkDirectory(v),
        "");
  }

  @Override
  public List<HostProject> listComposeProjects(ComposeTarget request) {
    ComposeValues v = values(request);
    String out =
        run(v, "list the compose projects on " + v.host(), ComposeScripts.listProjects(v), "");
    Map<String, Long> ages = new java.util.TreeMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.strip().split(" ");
      if (parts.length != 2 || !PROJECT_NAME.matcher(parts[0]).matches()) {
        continue;
      }
      long age;
      try {
        age = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        continue;
      }
      ages.merge(parts[0], age, Math::max);
    }
    List<HostProject> projects = new java.util.ArrayList<>();
    ages.forEach((project, age) -> projects.add(new HostProject(project, age)));
    return projects;
  }

  private static final java.util.regex.Pattern PROJECT_NAME =
      java.util.regex.Pattern.compile("fp-[a-z0-9][a-z0-9-]{0,59}");

  // ---- helpers ---------------------------------------------------------------------------

  private static ComposeValues values(ComposeTarget target) {
    try {
      return ComposeValues.of(target);
    } catch (InvalidNameException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
  }

  private Map<String, String> environment(Map<String, String> requested, String repository) {
    Map<String, String> environment = new java.util.LinkedHashMap<>();
    if (requested != null) {
      environment.putAll(requested);
    }
    if (repository != null) {
      Map<String, String> configured = configuredEnvironment.apply(repository);
      if (configured == null) {
        throw failure(
            FailureType.INVALID_INPUT,
            repository + " is no longer in the repositories file of this worker");
      }
      // Looked up here so that configured values never travel through history.
      environment.putAll(configured);
    }
    try {
      return EnvironmentFile.resolveReferences(
          ComposeValues.environment(environment), workerEnvironment);
    } catch (InvalidNameException | InvalidEnvironmentException e) {
      throw failure(FailureType.INVALID_INPUT, e.getMessage());
    }
  }

  /** Runs one script; returns its stdout, throws a typed failure unless it exits 0. */
  private String run(ComposeValues v, String purpose, String script, String stdin) {
    try (SshConnection ssh = connect(v)) {
      SshConnection.Result result =
          ssh.execute(purpose, shell(script), stdin.getBytes(StandardCharsets.UTF_8));
      if (result.exitStatus() != 0) {
        throw new SshCommandException(purpose, result.exitStatus(), null, result.stderr());
      }
      return result.stdout();
    } catch (SshException e) {
      throw toFailure(e);
    }
  }

  private SshConnection connect(ComposeValues v) throws SshException {
    return connector.connect(v.host(), v.sshPort(), v.sshUser());
  }

  /** The script as one argument of {@code sh -c}, whatever the login shell of the user is. */
  private static String shell(String script) {
    return "sh -c " + SafeNames.shellQuote(script);
  }

  private static void heartbeat() {
    try {
      Activity.getExecutionContext().heartbeat(null);
    } catch (ActivityCompletionException e) {
      // Cancelled: the build goes on under its lock; a compensation's down waits for it.
      throw e;
    } catch (IllegalStateException e) {
      // Not inside an activity (a direct call in a test).
    }
  }

  static ApplicationFailure toFailure(SshException e) {
    FailureType type =
        switch (e.kind()) {
          case AUTHENTICATION, HOST_KEY_MISMATCH -> FailureType.AUTHENTICATION;
          case CONNECT, CONNECTION_LOST, TIMEOUT -> FailureType.TRANSIENT;
          case COMMAND_FAILED -> {
            Integer status = ((SshCommandException) e).exitStatus();
            yield status != null && FINAL_STATUSES.contains(status)
                ? FailureType.FAILED
                : FailureType.TRANSIENT;
          }
        };
    log.warn("compose activity failed ({}): {}", type, Redactor.redact(e.getMessage()));
    return failure(type, e.getMessage());
  }

  private static ApplicationFailure failure(FailureType type, String message) {
    // No cause: its message would carry the remote stderr into history unredacted.
    return ActivityFailures.of(type, Redactor.redact(message));
  }
}
