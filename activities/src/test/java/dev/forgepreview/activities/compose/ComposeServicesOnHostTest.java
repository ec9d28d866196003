package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.github.FakeGitHubRepository;
import dev.forgepreview.activities.github.GitHubClient;
import dev.forgepreview.activities.github.GitHubConfig;
import dev.forgepreview.activities.github.PreviewFiles;
import dev.forgepreview.activities.github.TokenCredentials;
import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeFile;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeUpRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The preview file's extra services on a real compose host (see {@link ComposeHostExtension}): the
 * compose activity reads the file again over GitHub's contents API (a MockWebServer) at the commit
 * the workflow read it at, the services run in the preview's project beside the app, and they go
 * with the project.
 */
class ComposeServicesOnHostTest {
  @RegisterExtension static final ComposeHostExtension HOST = new ComposeHostExtension();
  private static final String PATH = ".forge-preview.yml";
  private static final String MESSAGE = "hello $(touch /tmp/fp-pwned) `id` ' \" ; | & $HOME";

  private final MockWebServer github = new MockWebServer();
  private final FakeGitHubRepository files = new FakeGitHubRepository("acme/shop", 7);
  private TestActivityEnvironment env;
  private ComposeActivities compose;

  @BeforeEach
  void setUp() throws Exception {
    github.setDispatcher(files);
    github.start();
    env = TestActivityEnvironment.newInstance();
    SshSettings ssh =
        new SshSettings(
            HOST.clientKey, null, null, null, List.of(HOST.hostKeyFingerprint), null, null, null);
    env.registerActivitiesImplementations(
        new ComposeActivitiesImpl(
            new SshConnector(ssh),
            name -> null,
            repository -> Map.of(),
            null,
            new PreviewFiles(
                new GitHubClient(
                    GitHubConfig.withApiUrl(github.url("/").toString()),
                    new TokenCredentials("ghp_test_token"),
                    new OkHttpClient(),
                    Clock.systemUTC()))));
    compose = env.newActivityStub(ComposeActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
    github.close();
  }

  private ComposeTarget target(String project, int port) {
    ComposeHost host =
        new ComposeHost(
            "127.0.0.1",
            HOST.sshPort,
            "root",
            HOST.root.toString(),
            "file://" + HOST.fixture.getParent().getParent() + "/{repository}",
            "auto",
            Routing.HOST,
            List.of("nginx", "-c", HOST.nginxConf.toString()),
            HOST.sites.toString(),
            "127.0.0.1",
            HOST.nginxPort,
            20000,
            1000,
            "256m",
            "0.5",
            null,
            null,
            "/",
            "PT5M",
            "PT1M");
    return new ComposeTarget("test/" + project, host, project, port);
  }

  @Test
  void extraServicesRunInThePreviewsProjectWithItsLimitsAndGoWithIt() throws Exception {
    int appPort = ComposeHostExtension.freePort();
    int sidecarPort = ComposeHostExtension.freePort();
    int workerPort = ComposeHostExtension.freePort();
    ComposeTarget target = target("fp-svc-pr7", appPort);
    files.file(
        HOST.plain,
        PATH,
        "services:\n"
            + "  sidecar:\n"
            + "    image: "
            + ComposeHostExtension.BASE_IMAGE
            + "\n"
            + "    command:\n"
            + "      - /bin/sh\n"
            + "      - -c\n"
            + "      - >-\n"
            + "        mkdir -p /srv && printf '%s\\n' \"$MESSAGE\" > /srv/message &&\n"
            + "        exec /bin/busybox httpd -f -p 127.0.0.1:"
            + sidecarPort
            + " -h /srv\n"
            + "    environment:\n"
            + "      MESSAGE: '"
            + MESSAGE.replace("'", "''")
            + "'\n"
            + "  worker:\n"
            + "    build: .\n"
            + "    environment:\n"
            + "      PORT: \""
            + workerPort
            + "\"\n"
            + "      GREETING: from the worker\n");
    assertThat(checkout(target, HOST.plain)).isEqualTo(HOST.plain);

    ComposeFile file =
        compose.renderComposeFile(
            new RenderComposeRequest(
                target,
                Map.of("GREETING", "from the app"),
                null,
                new PreviewServices("acme/shop", HOST.plain, PATH, List.of("sidecar", "worker"))));
    assertThat(file.source()).isEqualTo("generated");
    String written = Files.readString(java.nio.file.Path.of(file.path()));
    assertThat(written).doesNotContain("privileged").doesNotContain("volumes");
    compose.composeUp(
        new ComposeUpRequest(target, file.path(), Map.of("GREETING", "from the app"), null));

    assertThat(await(appPort, "/greeting")).isEqualTo("from the app\n");
    // The value reached the container as it was written: nothing expanded by compose or a shell.
    assertThat(await(sidecarPort, "/message")).isEqualTo(MESSAGE + "\n");
    assertThat(await(workerPort, "/greeting")).isEqualTo("from the worker\n");
    assertThat(await(workerPort, "/commit")).contains(HOST.plain);
    assertThat(Files.exists(java.nio.file.Path.of("/tmp/fp-pwned"))).isFalse();

    for (String service : List.of("sidecar", "worker")) {
      String id =
          ComposeHostExtension.output(
                  List.of(
                      "docker",
                      "ps",
                      "-q",
                      "--filter",
                      "label=com.docker.compose.project=fp-svc-pr7",
                      "--filter",
                      "label=com.docker.compose.service=" + service,
                      "--filter",
                      "label=" + ComposeScripts.LABEL + "=fp-svc-pr7"))
              .strip();
      assertThat(id).as(service).isNotBlank();
      String config =
          ComposeHostExtension.output(
              List.of(
                  "docker",
                  "inspect",
                  "-f",
                  "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.NetworkMode}}"
                      + " {{.HostConfig.Privileged}}",
                  id));
      assertThat(config.strip())
          .as(service)
          .isEqualTo(256L * 1024 * 1024 + " 500000000 host false");
    }

    compose.composeDown(target);
    compose.removeWorkDirectory(target);
    assertThat(
            ComposeHostExtension.output(
                List.of(
                    "docker",
                    "ps",
                    "-aq",
                    "--filter",
                    "label=com.docker.compose.project=fp-svc-pr7")))
        .isBlank();
    assertThat(
            ComposeHostExtension.output(
                List.of("docker", "images", "-q", "--filter", "reference=fp-svc-pr7*")))
        .isBlank();
    assertThat(HOST.root.resolve("fp-svc-pr7")).doesNotExist();
    // The image the sidecar ran is the host's, not the project's: it stays.
    assertThat(
            ComposeHostExtension.output(
                List.of("docker", "images", "-q", ComposeHostExtension.BASE_IMAGE)))
        .isNotBlank();
  }

  @Test
  void aRepositoryWithItsOwnComposeFileCannotAddServices() throws Exception {
    ComposeTarget target = target("fp-svc-pr8", ComposeHostExtension.freePort());
    files.file(HOST.second, PATH, "services:\n  cache:\n    image: busybox\n");
    checkout(target, HOST.second);
    try {
      ApplicationFailure failure =
          failure(
              () ->
                  compose.renderComposeFile(
                      new RenderComposeRequest(
                          target,
                          Map.of(),
                          null,
                          new PreviewServices("acme/shop", HOST.second, PATH, List.of("cache")))));
      assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
      assertThat(failure.getOriginalMessage())
          .contains(ComposeScripts.REPOSITORY_FILE)
          .contains("services");
    } finally {
      compose.removeWorkDirectory(target);
    }
  }

  @Test
  void aFileThatNoLongerHoldsTheServicesReadBeforeIsRefusedBeforeTheHostIsTouched()
      throws Exception {
    ComposeTarget target = target("fp-svc-pr9", ComposeHostExtension.freePort());
    files.file(HOST.plain, PATH, "services:\n  cache:\n    image: busybox\n");
    ApplicationFailure failure =
        failure(
            () ->
                compose.renderComposeFile(
                    new RenderComposeRequest(
                        target,
                        Map.of(),
                        null,
                        new PreviewServices("acme/shop", HOST.plain, PATH, List.of("worker")))));
    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.getOriginalMessage()).contains("does not hold the services read before");
    assertThat(HOST.root.resolve("fp-svc-pr9")).doesNotExist();
  }

  private String checkout(ComposeTarget target, String sha) {
    return compose.checkoutSource(new CheckoutRequest(target, "local/fixture.git", sha)).sha();
  }

  /** The body once the port answers 200 (a container takes a moment to start), by attempts. */
  private static String await(int port, String path) throws Exception {
    for (int attempt = 0; attempt < 150; attempt++) {
      String out;
      try {
        out =
            ComposeHostExtension.output(
                List.of(
                    "curl",
                    "-s",
                    "--max-time",
                    "5",
                    "-w",
                    "\n%{http_code}",
                    "http://127.0.0.1:" + port + path));
      } catch (java.io.IOException e) {
        // curl exits non-zero while nothing listens yet
        Thread.sleep(200);
        continue;
      }
      int split = out.lastIndexOf('\n');
      if (split >= 0 && out.substring(split + 1).strip().equals("200")) {
        return out.substring(0, split);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nothing answered on port " + port);
  }

  private static ApplicationFailure failure(Runnable call) {
    ActivityFailure thrown =
        (ActivityFailure) org.assertj.core.api.Assertions.catchThrowable(call::run);
    assertThat(thrown).isNotNull();
    return (ApplicationFailure) thrown.getCause();
  }
}
