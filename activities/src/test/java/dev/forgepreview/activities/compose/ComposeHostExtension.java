package dev.forgepreview.activities.compose;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real compose host on this machine: OpenSSH's {@code sshd} on a free loopback port with its own
 * host key and one authorised test key, nginx on a free loopback port with its own configuration
 * root, and the Docker engine that is already running ({@code .ci/compose-host.sh start}). Also a
 * fixture repository (a bare git repository) whose app, built on a base image imported from
 * Debian's {@code busybox-static}, answers {@code GET /commit} with the commit it was built from.
 *
 * <p>Skips the tests, saying what is missing, when this is not root or a part is absent; with
 * {@code FORGE_PREVIEW_REQUIRE_COMPOSE_HOST=1} (as {@code .ci/run} sets) it fails instead.
 */
final class ComposeHostExtension implements BeforeAllCallback, AfterAllCallback {
  static final String BASE_IMAGE = "forge-preview/busybox:fixture";

  Path dir;
  Path clientKey;
  String hostKeyFingerprint;
  int sshPort;
  int nginxPort;
  Path nginxConf;
  Path sites;
  Path root;
  Path fixture;

  /**
   * Commits of the fixture: {@code first}, {@code second} (main), {@code broken}, {@code plain}.
   */
  String first;

  String second;
  String broken;
  String plain;

  /** Commits without a compose file or Dockerfile: a Node app, a NestJS app, a Go module. */
  String node;

  String nest;
  String go;

  private Process sshd;
  private boolean nginxStarted;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root (sshd and dockerd need it)");
    }
    for (String program :
        List.of(
            "/usr/sbin/sshd",
            "/usr/sbin/nginx",
            "/usr/bin/docker-compose",
            "/usr/bin/ssh-keygen",
            "/bin/busybox",
            "/usr/bin/git",
            "/usr/bin/curl",
            "/usr/bin/flock")) {
      if (!Files.isExecutable(Path.of(program))) {
        missing.add(program);
      }
    }
    if (missing.isEmpty() && exec(List.of("docker", "info"), null) != 0) {
      missing.add("a running Docker engine (.ci/compose-host.sh start)");
    }
    if (!missing.isEmpty()) {
      String why = "compose host tests need " + String.join(", ", missing);
      if ("1".equals(System.getenv("FORGE_PREVIEW_REQUIRE_COMPOSE_HOST"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    dir =
        Path.of("target", "compose-host-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    Files.createDirectories(dir);
    root = dir.resolve("previews");
    sites = dir.resolve("nginx/sites");
    Files.createDirectories(sites);
    startSshd();
    startNginx();
    baseImage();
    fixtureRepository();
  }

  private void startSshd() throws Exception {
    Path hostKey = dir.resolve("host_ed25519");
    clientKey = dir.resolve("client_ed25519");
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString()));
    Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
    String fingerprint =
        output(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub"));
    hostKeyFingerprint = fingerprint.split("\\s+")[1];
    sshPort = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "ListenAddress 127.0.0.1",
            "Port " + sshPort,
            "HostKey " + hostKey,
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PidFile " + dir.resolve("sshd.pid"),
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "UsePAM no",
            ""));
    Files.createDirectories(Path.of("/run/sshd"));
    sshd =
        new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    awaitPort(sshPort);
  }

  /**
   * Waits until nginx runs only the workers of its last reload: after {@code nginx -s reload} the
   * old worker keeps taking connections for a moment and answers them with the old sites (404 for a
   * site just published). Call once the new site has answered.
   */
  void awaitOldNginxWorkersGone() throws Exception {
    String master = Files.readString(dir.resolve("nginx/nginx.pid")).trim();
    Path children = Path.of("/proc/" + master + "/task/" + master + "/children");
    for (int attempt = 0; attempt < 300; attempt++) {
      String pids = Files.readString(children).trim();
      if (!pids.isEmpty() && pids.split("\\s+").length == 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("nginx's old workers did not exit within 30 s");
  }

  private void startNginx() throws Exception {
    nginxPort = freePort();
    Path nginx = dir.resolve("nginx");
    nginxConf = nginx.resolve("nginx.conf");
    Files.writeString(
        nginxConf,
        String.join(
            "\n",
            // Workers run as the user running the tests (root here; ignored for others): its
            // files (the htpasswd files among them) live under the checkout, which may be a
            // directory only its owner can enter, such as one made by mktemp -d.
            "user " + System.getProperty("user.name") + ";",
            "pid " + nginx.resolve("nginx.pid") + ";",
            "error_log " + nginx.resolve("error.log") + ";",
            "events { worker_connections 64; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + nginx.resolve("body") + ";",
            "  proxy_temp_path " + nginx.resolve("proxy") + ";",
            "  fastcgi_temp_path " + nginx.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + nginx.resolve("uwsgi") + ";",
            "  scgi_temp_path " + nginx.resolve("scgi") + ";",
            "  server { listen 127.0.0.1:" + nginxPort + " default_server; return 404; }",
            "  include " + sites + "/*.conf;",
            "}",
            ""));
    run(List.of("nginx", "-c", nginxConf.toString()));
    nginxStarted = true;
    awaitPort(nginxPort);
  }

  private void baseImage() throws Exception {
    if (exec(List.of("docker", "image", "inspect", BASE_IMAGE), null) == 0) {
      return;
    }
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
    Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
    Path tar = dir.resolve("rootfs.tar");
    run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."));
    run(List.of("docker", "import", tar.toString(), BASE_IMAGE));
  }

  /**
   * The fixture: main has two commits; {@code broken} fails to build; {@code plain} has no file.
   */
  private void fixtureRepository() throws Exception {
    fixture = dir.resolve("local/fixture.git");
    Files.createDirectories(fixture.getParent());
    Path work = dir.resolve("fixture-work");
    run(List.of("git", "init", "-q", "--bare", "-b", "main", fixture.toString()));
    run(List.of("git", "init", "-q", "-b", "main", work.toString()));
    write(
        work.resolve("Dockerfile"),
        "FROM "
            + BASE_IMAGE
            + "\n"
            + "COPY .git/HEAD /www/commit\n"
            + "COPY index.html /www/index.html\n"
            + "CMD [\"/bin/sh\", \"-c\", \"echo \\\"$GREETING\\\" > /www/greeting;"
            + " exec /bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www\"]\n");
    write(work.resolve(".dockerignore"), "*\n!.git/HEAD\n!index.html\n");
    write(
        work.resolve(ComposeScripts.REPOSITORY_FILE),
        "version: \"2.4\"\nservices:\n  web:\n    build: .\n    network_mode: host\n"
            + "    environment:\n      PORT: \"${PORT}\"\n      GREETING: \"${GREETING}\"\n");
    write(work.resolve("index.html"), "version one\n");
    first = commit(work, "first");
    write(work.resolve("index.html"), "version two\n");
    second = commit(work, "second");
    run(List.of("git", "-C", work.toString(), "push", "-q", fixture.toString(), "main"));
    run(List.of("git", "-C", work.toString(), "checkout", "-q", "-b", "broken"));
    write(work.resolve("Dockerfile"), "FROM " + BASE_IMAGE + "\nRUN exit 42\n");
    broken = commit(work, "broken");
    run(List.of("git", "-C", work.toString(), "push", "-q", fixture.toString(), "broken"));
    run(List.of("git", "-C", work.toString(), "checkout", "-q", "-b", "plain", second));
    run(List.of("git", "-C", work.toString(), "rm", "-q", ComposeScripts.REPOSITORY_FILE));
    plain = commit(work, "plain");
    run(List.of("git", "-C", work.toString(), "push", "-q", fixture.toString(), "plain"));
    run(List.of("git", "-C", work.toString(), "checkout", "-q", "--orphan", "node"));
    run(List.of("git", "-C", work.toString(), "rm", "-rfq", "."));
    write(
        work.resolve("package.json"),
        "{\"name\": \"app\", \"scripts\": {\"start\": \"node .\"}}\n");
    node = commit(work, "node");
    write(
        work.resolve("package.json"),
        "{\"name\": \"api\", \"dependencies\": {\"@nestjs/core\": \"^10.0.0\"}}\n");
    nest = commit(work, "nest");
    run(List.of("git", "-C", work.toString(), "rm", "-q", "package.json"));
    write(work.resolve("go.mod"), "module example.com/app\n\ngo 1.22\n");
    go = commit(work, "go");
    run(List.of("git", "-C", work.toString(), "push", "-q", fixture.toString(), "node"));
  }

  private String commit(Path work, String message) throws Exception {
    run(List.of("git", "-C", work.toString(), "add", "-A"));
    run(
        List.of(
            "git",
            "-C",
            work.toString(),
            "-c",
            "user.name=Fixture",
            "-c",
            "user.email=fixture@example.com",
            "commit",
            "-q",
            "-m",
            message));
    return output(List.of("git", "-C", work.toString(), "rev-parse", "HEAD")).strip();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (nginxStarted) {
      exec(List.of("nginx", "-c", nginxConf.toString(), "-s", "stop"), null);
    }
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Runs a command on this machine; returns its exit status. */
  static int exec(List<String> command, Path output) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(
        output == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(output.toFile()));
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  static String output(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(command + " failed: " + out);
    }
    return out;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    output(command);
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port);
  }
}
