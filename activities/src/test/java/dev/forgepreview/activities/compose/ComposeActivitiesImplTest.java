package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.BasicAuth;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.BasicAuthFor;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeFile;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeUpRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compose activities against a real host: OpenSSH's sshd, the Docker engine with
 * docker-compose, nginx and a fixture git repository (see {@link ComposeHostExtension}).
 */
class ComposeActivitiesImplTest {
  @RegisterExtension static final ComposeHostExtension HOST = new ComposeHostExtension();
  private static final String GREETING = "hi $(touch /tmp/fp-pwned) `id` ' \" ; | & $HOME";
  private static final PreviewSecrets SECRETS =
      PreviewSecrets.fromString("compose-test-key-of-enough-bytes");
  private static final String CONFIGURED_PASSWORD = "s3cret $(id) ' \" ;|& with spaces";

  private TestActivityEnvironment env;
  private ComposeActivities compose;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    SshSettings ssh =
        new SshSettings(
            HOST.clientKey, null, null, null, List.of(HOST.hostKeyFingerprint), null, null, null);
    env.registerActivitiesImplementations(
        new ComposeActivitiesImpl(
            new SshConnector(ssh),
            name -> null,
            repository -> Map.of("FROM_FILE", "configured"),
            new BasicAuthCredentials(
                SECRETS,
                name -> "PREVIEW_BASIC_AUTH".equals(name) ? CONFIGURED_PASSWORD : null,
                repository ->
                    switch (repository) {
                      case "acme/shop" -> Optional.of(new BasicAuth("preview", null));
                      case "acme/api" ->
                          Optional.of(new BasicAuth("tester", "${env:PREVIEW_BASIC_AUTH}"));
                      case "acme/unset" ->
                          Optional.of(new BasicAuth("tester", "${env:NOT_SET_ANYWHERE}"));
                      case "acme/open" -> Optional.empty();
                      default -> null;
                    })));
    compose = env.newActivityStub(ComposeActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private ComposeHost host(String tlsCertificate) {
    return host(tlsCertificate, Routing.HOST, HOST.sites);
  }

  private ComposeHost host(String tlsCertificate, Routing routing, Path nginxDirectory) {
    return new ComposeHost(
        "127.0.0.1",
        HOST.sshPort,
        "root",
        HOST.root.toString(),
        "file://" + HOST.fixture.getParent().getParent() + "/{repository}",
        "auto",
        routing,
        List.of("nginx", "-c", HOST.nginxConf.toString()),
        nginxDirectory.toString(),
        "127.0.0.1",
        HOST.nginxPort,
        20000,
        1000,
        "256m",
        "0.5",
        tlsCertificate,
        tlsCertificate == null ? null : tlsCertificate + ".key",
        "/",
        "PT5M",
        "PT1M");
  }

  private ComposeTarget target(String project, int port) throws IOException {
    return new ComposeTarget("test/" + project, host(null), project, port);
  }

  private static final String REPOSITORY = "local/fixture.git";

  @Test
  void deploysThePinnedCommitBehindNginxThenRemovesEverything() throws Exception {
    ComposeTarget target = target("fp-shop-pr7", ComposeHostExtension.freePort());
    String domain = "pr-7-shop.preview.test";

    assertThat(checkout(target, HOST.first)).isEqualTo(HOST.first);
    ComposeFile file = compose.renderComposeFile(new RenderComposeRequest(target, Map.of(), null));
    assertThat(file.source()).isEqualTo("repository");
    compose.composeUp(
        new ComposeUpRequest(target, file.path(), Map.of("GREETING", GREETING), null));
    awaitHealthy(target);
    compose.publishNginxSite(new NginxSiteRequest(target, domain, null));

    assertThat(throughNginx(domain, "/commit")).contains(HOST.first);
    assertThat(compose.listComposeProjects(target))
        .extracting(ComposeActivities.HostProject::project)
        .contains("fp-shop-pr7");
    assertThat(throughNginx(domain, "/")).isEqualTo("version one\n");
    assertThat(throughNginx(domain, "/greeting")).isEqualTo(GREETING + "\n");
    assertThat(Path.of("/tmp/fp-pwned")).doesNotExist();

    // synchronize: the same project rebuilt at the second commit answers with it
    assertThat(checkout(target, HOST.second)).isEqualTo(HOST.second);
    compose.composeUp(
        new ComposeUpRequest(target, file.path(), Map.of("GREETING", GREETING), null));
    awaitHealthy(target);
    assertThat(throughNginx(domain, "/commit")).contains(HOST.second);
    assertThat(throughNginx(domain, "/")).isEqualTo("version two\n");

    // a retried publish and a retried checkout change nothing
    compose.publishNginxSite(new NginxSiteRequest(target, domain, null));
    assertThat(checkout(target, HOST.second)).isEqualTo(HOST.second);

    compose.removeNginxSite(new NginxSiteRequest(target, domain, null));
    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertNothingLeft(target);
    assertThat(statusThroughNginx(domain)).isEqualTo(404);
    assertThat(compose.listComposeProjects(target))
        .extracting(ComposeActivities.HostProject::project)
        .doesNotContain("fp-shop-pr7");

    // every compensation is harmless when its action is already undone
    compose.removeNginxSite(new NginxSiteRequest(target, domain, null));
    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertNothingLeft(target);
  }

  @Test
  void aFailedBuildFailsWithItsLogAndTheRollbackLeavesNothing() throws Exception {
    ComposeTarget target = target("fp-shop-pr8", ComposeHostExtension.freePort());
    String containersBefore = allContainers();
    checkout(target, HOST.broken);
    ComposeFile file = compose.renderComposeFile(new RenderComposeRequest(target, Map.of(), null));

    ApplicationFailure failure =
        failure(() -> compose.composeUp(new ComposeUpRequest(target, file.path(), Map.of(), null)));
    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("exit 42")
        .contains("returned a non-zero code");

    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertNothingLeft(target);
    assertThat(allContainers())
        .as("not even a failed build step's container")
        .isEqualTo(containersBefore);
  }

  private static String allContainers() throws Exception {
    return ComposeHostExtension.output(List.of("docker", "ps", "-aq"));
  }

  /**
   * Node, NestJS and Go are detected on the host and get a generated Dockerfile beside the compose
   * file. Not built here: their base images (node, golang) need a registry these machines lack.
   */
  @Test
  void aRepositoryWithoutDockerfileIsDetectedAndGetsTheFrameworksTemplate() throws Exception {
    ComposeTarget target = target("fp-shop-pr10", ComposeHostExtension.freePort());
    Path dockerfile = HOST.root.resolve("fp-shop-pr10/src/" + ComposeTemplates.DOCKERFILE);
    Path composeFile = HOST.root.resolve("fp-shop-pr10/docker-compose.yml");

    checkout(target, HOST.node);
    ComposeFile file =
        compose.renderComposeFile(
            new RenderComposeRequest(target, Map.of("GREETING", GREETING), null));
    assertThat(file.source()).isEqualTo("generated:node");
    assertThat(file.path()).isEqualTo(composeFile.toString());
    assertThat(java.nio.file.Files.readString(dockerfile))
        .isEqualTo(ComposeTemplates.Framework.NODE.dockerfile())
        .contains("FROM node:20-alpine")
        .contains("CMD [\"npm\", \"start\"]");
    assertThat(java.nio.file.Files.readString(composeFile))
        .contains("      dockerfile: \"" + ComposeTemplates.DOCKERFILE + "\"\n")
        .contains("      PORT: \"" + target.port() + "\"\n")
        .contains("      GREETING: " + ComposeScripts.yamlString(GREETING) + "\n");

    checkout(target, HOST.nest);
    assertThat(compose.renderComposeFile(new RenderComposeRequest(target, Map.of(), null)).source())
        .isEqualTo("generated:nestjs");
    assertThat(java.nio.file.Files.readString(dockerfile))
        .contains("CMD [\"node\", \"dist/main\"]");

    checkout(target, HOST.go);
    assertThat(compose.renderComposeFile(new RenderComposeRequest(target, Map.of(), null)).source())
        .isEqualTo("generated:go");
    assertThat(java.nio.file.Files.readString(dockerfile))
        .contains("RUN CGO_ENABLED=0 go build -o /out/app .");
    // the compose file is valid for docker-compose as rendered
    assertThat(
            ComposeHostExtension.exec(
                List.of("docker-compose", "-f", composeFile.toString(), "config", "-q"), null))
        .isZero();

    compose.removeWorkDirectory(target);
    assertThat(HOST.root.resolve("fp-shop-pr10")).doesNotExist();
  }

  @Test
  void aRepositoryWithOnlyADockerfileGetsAGeneratedComposeFileWithLimitsAndLabel()
      throws Exception {
    ComposeTarget target = target("fp-shop-pr9", ComposeHostExtension.freePort());
    checkout(target, HOST.plain);
    ComposeFile file =
        compose.renderComposeFile(
            new RenderComposeRequest(target, Map.of("GREETING", GREETING), null));
    assertThat(file.source()).isEqualTo("generated");
    assertThat(file.path()).isEqualTo(HOST.root + "/fp-shop-pr9/docker-compose.yml");
    compose.composeUp(
        new ComposeUpRequest(target, file.path(), Map.of("GREETING", GREETING), null));
    awaitHealthy(target);
    assertThat(direct(target.port(), "/commit")).contains(HOST.plain);
    assertThat(direct(target.port(), "/greeting")).isEqualTo(GREETING + "\n");
    String labelled =
        ComposeHostExtension.output(
            List.of(
                "docker",
                "ps",
                "-q",
                "--filter",
                "label=" + ComposeScripts.LABEL + "=fp-shop-pr9"));
    assertThat(labelled).isNotBlank();
    String memory =
        ComposeHostExtension.output(
            List.of("docker", "inspect", "-f", "{{.HostConfig.Memory}}", labelled.strip()));
    assertThat(memory.strip()).isEqualTo(Long.toString(256L * 1024 * 1024));

    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertNothingLeft(target);
    assertThat(
            ComposeHostExtension.output(
                List.of("docker", "images", "-q", "--filter", "reference=fp-shop-pr9*")))
        .isBlank();
  }

  @Test
  void anNginxFileNginxRefusesIsRemovedAgainAndNginxKeepsServing() throws Exception {
    ComposeTarget target =
        new ComposeTarget(
            "test/refused",
            host("/nonexistent/wildcard.pem"),
            "fp-shop-pr10",
            ComposeHostExtension.freePort());
    ApplicationFailure failure =
        failure(
            () ->
                compose.publishNginxSite(
                    new NginxSiteRequest(target, "pr-10-shop.preview.test", null)));
    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.getOriginalMessage()).contains("wildcard.pem");
    assertThat(HOST.sites.resolve("fp-shop-pr10.conf")).doesNotExist();
    assertThat(statusThroughNginx("anything.preview.test")).isEqualTo(404);
  }

  @Test
  void aPortHeldByAnotherPreviewIsRefused() throws Exception {
    int port = ComposeHostExtension.freePort();
    ComposeTarget holder = target("fp-shop-pr11", port);
    ComposeTarget other = target("fp-shop-pr12", port);
    checkout(holder, HOST.first);

    ApplicationFailure failure = failure(() -> checkout(other, HOST.first));
    assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
    assertThat(failure.getOriginalMessage()).contains("held by fp-shop-pr11");

    compose.removeWorkDirectory(other);
    assertThat(HOST.root.resolve(".ports/" + port)).hasContent("fp-shop-pr11");
    compose.removeWorkDirectory(holder);
    assertThat(HOST.root.resolve(".ports/" + port)).doesNotExist();
  }

  @Test
  void aProtectedPreviewAnswers401WithoutItsCredentialsAndTheAppWithThem() throws Exception {
    int port = ComposeHostExtension.freePort();
    ComposeTarget target = target("fp-api-pr21", port);
    String domain = "pr-21-api.preview.test";
    checkout(target, HOST.first);
    ComposeFile file = compose.renderComposeFile(new RenderComposeRequest(target, Map.of(), null));
    compose.composeUp(new ComposeUpRequest(target, file.path(), Map.of(), null));
    // the health check asks the app's port, not nginx: basic auth does not stand in its way
    awaitHealthy(target);

    // host routing, the password from the worker's environment
    compose.publishNginxSite(
        new NginxSiteRequest(
            target, domain, null, new BasicAuthFor("acme/api", "preview:acme:api:21")));
    assertThat(statusOnceServed(domain, "/commit", null)).isEqualTo(401);
    assertThat(get(HOST.nginxPort, domain, "/commit", "tester:wrong").status()).isEqualTo(401);
    assertThat(get(HOST.nginxPort, domain, "/commit", "preview:" + CONFIGURED_PASSWORD).status())
        .isEqualTo(401);
    Response authenticated =
        get(HOST.nginxPort, domain, "/commit", "tester:" + CONFIGURED_PASSWORD);
    assertThat(authenticated.status()).isEqualTo(200);
    assertThat(authenticated.body()).contains(HOST.first);
    Path users = HOST.sites.resolve("fp-api-pr21.htpasswd");
    assertThat(Files.readString(users))
        .startsWith("tester:$apr1$")
        .doesNotContain(CONFIGURED_PASSWORD);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users)))
        .isEqualTo("rw-r--r--");
    // a retried publish (a fresh salt) still lets the same credentials in
    compose.publishNginxSite(
        new NginxSiteRequest(
            target, domain, null, new BasicAuthFor("acme/api", "preview:acme:api:21")));
    assertThat(get(HOST.nginxPort, domain, "/", "tester:" + CONFIGURED_PASSWORD).body())
        .isEqualTo("version one\n");

    // path routing, the password derived per preview (as the operators' CLI shows it)
    Path pathSites = HOST.dir.resolve("path-sites");
    Files.createDirectories(pathSites);
    Path server = HOST.sites.resolve("path-routing.conf");
    Files.writeString(
        server,
        "server { listen 127.0.0.1:"
            + HOST.nginxPort
            + "; server_name paths.preview.test; include "
            + pathSites
            + "/*.conf; }\n");
    ComposeTarget pathTarget =
        new ComposeTarget("test/path", host(null, Routing.PATH, pathSites), "fp-shop-pr22", port);
    String previewId = "preview:acme:shop:22";
    try {
      compose.publishNginxSite(
          new NginxSiteRequest(
              pathTarget,
              "paths.preview.test",
              "/pr-22/",
              new BasicAuthFor("acme/shop", previewId)));
      assertThat(statusOnceServed("paths.preview.test", "/pr-22/commit", null)).isEqualTo(401);
      Response derived =
          get(
              HOST.nginxPort,
              "paths.preview.test",
              "/pr-22/commit",
              "preview:" + SECRETS.basicAuthPassword(previewId));
      assertThat(derived.status()).isEqualTo(200);
      assertThat(derived.body()).contains(HOST.first);
      assertThat(
              get(
                      HOST.nginxPort,
                      "paths.preview.test",
                      "/pr-22/commit",
                      "preview:" + SECRETS.basicAuthPassword("preview:acme:shop:23"))
                  .status())
          .isEqualTo(401);

      compose.removeNginxSite(new NginxSiteRequest(pathTarget, "paths.preview.test", null));
      assertThat(pathSites.resolve("fp-shop-pr22.conf")).doesNotExist();
      assertThat(pathSites.resolve("fp-shop-pr22.htpasswd")).doesNotExist();
    } finally {
      Files.delete(server);
    }

    // the teardown removes the htpasswd file with the nginx file
    compose.removeNginxSite(new NginxSiteRequest(target, domain, null));
    assertThat(users).doesNotExist();
    assertThat(statusThroughNginx(domain)).isEqualTo(404);
    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertNothingLeft(target);
  }

  @Test
  void aPreviewWhoseCredentialsCannotBeWorkedOutIsNeverPublishedOpen() throws Exception {
    ComposeTarget target = target("fp-shop-pr24", ComposeHostExtension.freePort());
    for (String repository : List.of("acme/open", "acme/unset", "acme/gone")) {
      ApplicationFailure failure =
          failure(
              () ->
                  compose.publishNginxSite(
                      new NginxSiteRequest(
                          target,
                          "pr-24-shop.preview.test",
                          null,
                          new BasicAuthFor(repository, "preview:acme:shop:24"))));
      assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
      assertThat(failure.getOriginalMessage()).contains(repository);
    }
    assertThat(HOST.sites.resolve("fp-shop-pr24.conf")).doesNotExist();
    assertThat(HOST.sites.resolve("fp-shop-pr24.htpasswd")).doesNotExist();
  }

  @Test
  void removingTheWorkDirectoryReleasesTheProjectsClaimWhateverPortItWasGiven() throws Exception {
    int port = ComposeHostExtension.freePort();
    checkout(target("fp-shop-pr25", port), HOST.first);
    assertThat(HOST.root.resolve(".ports/" + port)).hasContent("fp-shop-pr25");
    // the cleanup knows the project, not the port the coordinator granted it
    compose.removeWorkDirectory(target("fp-shop-pr25", port == 20000 ? 20001 : 20000));
    assertThat(HOST.root.resolve(".ports/" + port)).doesNotExist();
    assertThat(HOST.root.resolve("fp-shop-pr25")).doesNotExist();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private String checkout(ComposeTarget target, String sha) {
    return compose.checkoutSource(new CheckoutRequest(target, REPOSITORY, sha)).sha();
  }

  private void awaitHealthy(ComposeTarget target) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        assertThat(compose.awaitAppHealthy(target)).isEqualTo(200);
        return;
      } catch (ActivityFailure e) {
        assertThat(((ApplicationFailure) e.getCause()).getType())
            .isEqualTo(FailureType.NOT_READY.name());
        Thread.sleep(200);
      }
    }
    throw new AssertionError(target.project() + " never answered");
  }

  private void assertNothingLeft(ComposeTarget target) throws Exception {
    assertThat(
            ComposeHostExtension.output(
                List.of(
                    "docker",
                    "ps",
                    "-aq",
                    "--filter",
                    "label=com.docker.compose.project=" + target.project())))
        .isBlank();
    assertThat(HOST.root.resolve(target.project())).doesNotExist();
    assertThat(HOST.sites.resolve(target.project() + ".conf")).doesNotExist();
    assertThat(HOST.root.resolve(".ports/" + target.port())).doesNotExist();
  }

  private static ApplicationFailure failure(Runnable call) {
    ActivityFailure thrown =
        (ActivityFailure) org.assertj.core.api.Assertions.catchThrowable(call::run);
    assertThat(thrown).isNotNull();
    return (ApplicationFailure) thrown.getCause();
  }

  /** Through nginx; a reload is asynchronous (new workers take over), so a few tries. */
  private static String throughNginx(String domain, String path) throws Exception {
    Response response = get(HOST.nginxPort, domain, path);
    for (int attempt = 0; attempt < 600 && response.status() == 404; attempt++) {
      Thread.sleep(100);
      response = get(HOST.nginxPort, domain, path);
    }
    assertThat(response.status()).isEqualTo(200);
    return response.body();
  }

  /** The status once nginx answers 404 for the domain (after a reload), or what it answered. */
  private static int statusThroughNginx(String domain) throws Exception {
    int status = get(HOST.nginxPort, domain, "/commit").status();
    for (int attempt = 0; attempt < 600 && status != 404; attempt++) {
      Thread.sleep(100);
      status = get(HOST.nginxPort, domain, "/commit").status();
    }
    return status;
  }

  private static String direct(int port, String path) throws Exception {
    return get(port, "127.0.0.1", path).body();
  }

  private record Response(int status, String body) {}

  /** The status once nginx serves the domain (after a reload): not 404 any more. */
  private static int statusOnceServed(String domain, String path, String user) throws Exception {
    int status = get(HOST.nginxPort, domain, path, user).status();
    // nginx -s reload returns before the new workers serve; on a loaded machine that took over 5 s.
    for (int attempt = 0; attempt < 600 && status == 404; attempt++) {
      Thread.sleep(100);
      status = get(HOST.nginxPort, domain, path, user).status();
    }
    // The next requests must not reach the old worker, which still has the old sites.
    HOST.awaitOldNginxWorkersGone();
    return status;
  }

  private static Response get(int port, String host, String path) throws Exception {
    return get(port, host, path, null);
  }

  /**
   * curl, because Java's HTTP client will not send another Host header; {@code user} is {@code
   * name:password} for basic auth, or null.
   */
  private static Response get(int port, String host, String path, String user) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of("curl", "-s", "--max-time", "10", "-H", "Host: " + host));
    if (user != null) {
      command.addAll(List.of("-u", user));
    }
    command.addAll(List.of("-w", "\n%{http_code}", "http://127.0.0.1:" + port + path));
    String out = ComposeHostExtension.output(command);
    int split = out.lastIndexOf('\n');
    return new Response(
        Integer.parseInt(out.substring(split + 1).strip()), out.substring(0, split));
  }
}
