package dev.forgepreview.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose backend's host for the end-to-end suite, all real and on this machine: OpenSSH's
 * {@code sshd} on a loopback port with its own host key and one authorised key (the worker's),
 * nginx on a loopback port with its own configuration root, the Docker engine that already runs
 * ({@code .ci/compose-host.sh start}, as {@code .ci/run} and {@code .ci/e2e.sh} do), and the
 * fixture repository {@code acme/app} as a bare git repository the host clones from. Its app, built
 * on a base image imported from Debian's {@code busybox-static}, answers {@code GET /commit} with
 * the commit it was built from.
 */
final class ComposeHost implements AutoCloseable {
  static final String REPOSITORY = "acme/app";
  static final String BASE_IMAGE = "forge-preview/busybox:fixture";

  /** The first build step that takes a while (the crash test kills the worker during it). */
  static final String SLOW_STEP = "sleep 20";

  private static final SecureRandom RANDOM = new SecureRandom();

  final Path dir;
  final Path previews;
  final Path sites;
  final Path nginxConf;
  final Path clientKey;
  final String hostKeyFingerprint;
  final int sshPort;
  final int nginxPort;
  final int portBase;
  final Path repositories;

  /** Commits of acme/app: {@code first}, {@code second} (main), {@code broken}, {@code slow}. */
  String first;

  String second;
  String broken;
  String slow;

  private final ManagedProcess sshd;
  private boolean nginxStarted;

  /** What this machine lacks to be a compose host, or null when it has everything. */
  static String missing() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root (sshd needs it)");
    }
    for (String program :
        List.of(
            "/usr/sbin/sshd",
            "/usr/sbin/nginx",
            "/usr/bin/docker",
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
    if (missing.isEmpty() && exec(List.of("docker", "info")) != 0) {
      missing.add("a running Docker engine (.ci/compose-host.sh start)");
    }
    return missing.isEmpty() ? null : "the compose host needs " + String.join(", ", missing);
  }

  ComposeHost(Path dir, Path logs) throws Exception {
    this.dir = dir;
    previews = dir.resolve("previews");
    sites = dir.resolve("nginx/sites");
    repositories = dir.resolve("repositories");
    Files.createDirectories(sites);
    Files.createDirectories(previews);
    Path hostKey = dir.resolve("host_ed25519");
    clientKey = dir.resolve("worker_ed25519");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
    Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
    hostKeyFingerprint =
        output("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub").split("\\s+")[1];
    sshPort = E2eSystem.freePort();
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
        new ManagedProcess(
            "sshd",
            List.of("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()),
            Map.of(),
            logs.resolve("compose-host-sshd.log"));
    sshd.start();
    awaitPort(sshPort);
    nginxPort = E2eSystem.freePort();
    nginxConf = dir.resolve("nginx/nginx.conf");
    startNginx();
    portBase = freePortBase();
    baseImage();
    fixture();
  }

  /** How many ports the host's admission coordinator hands out: {@code portBase} onwards. */
  static final int PORT_COUNT = 10;

  /** A port base whose {@link #PORT_COUNT} ports are free on this machine. */
  private static int freePortBase() throws IOException {
    for (int i = 0; i < 100; i++) {
      int base = 20000 + RANDOM.nextInt(10000);
      boolean free = true;
      for (int n = 0; n < PORT_COUNT && free; n++) {
        free = isFree(base + n);
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free port range for the compose previews");
  }

  /** The other repository on this host: the same app, with basic auth in front of it. */
  static final String LOCKED_REPOSITORY = "acme/locked";

  static final String LOCKED_USER = "reviewer";

  /** {@code ${env:E2E_LOCKED_PASSWORD}} of acme/locked, from the worker's environment. */
  static final String LOCKED_PASSWORD = "e2e locked $(id) ' pass";

  /** The repositories file's entry of acme/app: the compose backend on this host. */
  String repositoryEntry() {
    return String.join(
        "\n",
        "  # The compose backend's fixture app (ComposeE2eTest; bin/benchmarks --only compose).",
        "  " + REPOSITORY + ":",
        "    trigger: auto",
        "    backend: compose",
        "    domain: preview.localhost",
        "    ttl: P1D",
        "    timeouts: {healthInterval: PT1S}",
        "    compose:",
        "      host: 127.0.0.1",
        "      sshPort: " + sshPort,
        "      sshUser: root",
        "      root: " + previews,
        "      repositoryUrl: \"file://" + repositories + "/{repository}.git\"",
        "      nginxCommand: [nginx, -c, " + nginxConf + "]",
        "      nginxConfigDirectory: " + sites,
        "      listenAddress: 127.0.0.1",
        "      listenPort: " + nginxPort,
        "      portBase: " + portBase,
        "      portCount: " + PORT_COUNT,
        "      build: PT5M",
        "      health: PT2M",
        "  # The same app behind basic auth, on the same host and ports (ComposeE2eTest).",
        "  " + LOCKED_REPOSITORY + ":",
        "    trigger: auto",
        "    backend: compose",
        "    domain: preview.localhost",
        "    ttl: P1D",
        "    timeouts: {healthInterval: PT1S}",
        "    basicAuth: {username: " + LOCKED_USER + ", password: \"${env:E2E_LOCKED_PASSWORD}\"}",
        "    compose:",
        "      host: 127.0.0.1",
        "      sshPort: " + sshPort,
        "      sshUser: root",
        "      root: " + previews,
        "      repositoryUrl: \"file://" + repositories + "/{repository}.git\"",
        "      nginxCommand: [nginx, -c, " + nginxConf + "]",
        "      nginxConfigDirectory: " + sites,
        "      listenAddress: 127.0.0.1",
        "      listenPort: " + nginxPort,
        "      portBase: " + portBase,
        "      portCount: " + PORT_COUNT,
        "      build: PT5M",
        "      health: PT2M",
        "");
  }

  /** The worker's SSH settings for this host. */
  Map<String, String> workerEnvironment() {
    return Map.of(
        "SSH_PRIVATE_KEY_FILE",
        clientKey.toString(),
        "SSH_HOST_KEY_FINGERPRINTS",
        hostKeyFingerprint,
        "E2E_LOCKED_PASSWORD",
        LOCKED_PASSWORD);
  }

  private void startNginx() throws Exception {
    Path nginx = nginxConf.getParent();
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
    run("nginx", "-c", nginxConf.toString());
    nginxStarted = true;
    awaitPort(nginxPort);
  }

  private void baseImage() throws Exception {
    if (exec(List.of("docker", "image", "inspect", BASE_IMAGE)) == 0) {
      return;
    }
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
    Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
    Path tar = dir.resolve("rootfs.tar");
    run("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".");
    run("docker", "import", tar.toString(), BASE_IMAGE);
  }

  /** acme/app: main has two commits; {@code broken} fails to build; {@code slow} takes a while. */
  private void fixture() throws Exception {
    Path bare = repositories.resolve(REPOSITORY + ".git");
    Files.createDirectories(bare.getParent());
    Path work = dir.resolve("app-work");
    run("git", "init", "-q", "--bare", "-b", "main", bare.toString());
    run("git", "init", "-q", "-b", "main", work.toString());
    Files.writeString(work.resolve("Dockerfile"), dockerfile(""));
    Files.writeString(work.resolve(".dockerignore"), "*\n!.git/HEAD\n!index.html\n");
    Files.writeString(
        work.resolve("docker-compose.preview.yml"),
        "version: \"2.4\"\nservices:\n  web:\n    build: .\n    network_mode: host\n"
            + "    environment:\n      PORT: \"${PORT}\"\n");
    Files.writeString(work.resolve("index.html"), "version one\n");
    first = commit(work, "first");
    Files.writeString(work.resolve("index.html"), "version two\n");
    second = commit(work, "second");
    run("git", "-C", work.toString(), "push", "-q", bare.toString(), "main");
    run("git", "-C", work.toString(), "checkout", "-q", "-b", "broken");
    Files.writeString(work.resolve("Dockerfile"), "FROM " + BASE_IMAGE + "\nRUN exit 42\n");
    broken = commit(work, "broken");
    run("git", "-C", work.toString(), "push", "-q", bare.toString(), "broken");
    run("git", "-C", work.toString(), "checkout", "-q", "-b", "slow", second);
    Files.writeString(work.resolve("Dockerfile"), dockerfile("RUN " + SLOW_STEP + "\n"));
    slow = commit(work, "slow");
    run("git", "-C", work.toString(), "push", "-q", bare.toString(), "slow");
    run(
        "git",
        "clone",
        "-q",
        "--bare",
        bare.toString(),
        repositories.resolve(LOCKED_REPOSITORY + ".git").toString());
  }

  private static String dockerfile(String extra) {
    return "FROM "
        + BASE_IMAGE
        + "\n"
        + "COPY .git/HEAD /www/commit\n"
        + "COPY index.html /www/index.html\n"
        + extra
        + "CMD [\"/bin/sh\", \"-c\", \"exec /bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www\"]\n";
  }

  private static String commit(Path work, String message) throws Exception {
    run("git", "-C", work.toString(), "add", "-A");
    run(
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
        message);
    return output("git", "-C", work.toString(), "rev-parse", "HEAD").strip();
  }

  // ---- what is on the host --------------------------------------------------------------------

  /** The containers (running or not) of a compose project. */
  List<String> containers(String project) {
    return lines(
        output("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project));
  }

  /** The images compose built for a project ({@code {project}_{service}}). */
  List<String> images(String project) {
    return lines(output("docker", "images", "-q", "--filter", "reference=" + project + "_*"));
  }

  /** Every image on the host, named or not (dangling ones included). */
  List<String> allImages() {
    return lines(output("docker", "images", "-aq", "--no-trunc")).stream().distinct().toList();
  }

  Path workDirectory(String project) {
    return previews.resolve(project);
  }

  Path nginxFile(String project) {
    return sites.resolve(project + ".conf");
  }

  Path portClaim(int port) {
    return previews.resolve(".ports/" + port);
  }

  /**
   * The build steps the Docker engine ran (containers it started without a compose project label,
   * from {@code docker events}) since {@code since} (seconds since the epoch).
   */
  int buildContainersStartedSince(long since) {
    String events =
        output(
            "docker",
            "events",
            "--since",
            Long.toString(since),
            "--until",
            Long.toString(System.currentTimeMillis() / 1000 + 1),
            "--filter",
            "type=container",
            "--filter",
            "event=start",
            "--format",
            "{{index .Actor.Attributes \"com.docker.compose.project\"}}|");
    int count = 0;
    for (String line : events.split("\n")) {
      if (line.equals("|")) {
        count++;
      }
    }
    return count;
  }

  /** {@code curl} of {@code url} with its host name resolved to this machine; the body. */
  static String curl(String url) {
    java.net.URI uri = java.net.URI.create(url);
    return output(
        "curl",
        "-s",
        "--max-time",
        "10",
        "--resolve",
        uri.getHost() + ":" + uri.getPort() + ":127.0.0.1",
        url);
  }

  /** {@code curl} with basic auth ({@code user:password}). */
  static String curl(String url, String user) {
    java.net.URI uri = java.net.URI.create(url);
    return output(
        "curl",
        "-s",
        "--max-time",
        "10",
        "-u",
        user,
        "--resolve",
        uri.getHost() + ":" + uri.getPort() + ":127.0.0.1",
        url);
  }

  /** The preview's htpasswd file beside its nginx file. */
  Path htpasswdFile(String project) {
    return sites.resolve(project + ".htpasswd");
  }

  /** {@code curl}'s HTTP status for {@code url} (000 when nothing answers). */
  /**
   * {@link #curlStatus} once nginx serves the preview's host, and once its old worker is gone:
   * {@code nginx -s reload} returns before the new worker takes the site, and the old one answers
   * with the old sites (the default server's 404) until it exits.
   */
  String curlStatusOnceServed(String url) throws Exception {
    String status = curlStatus(url);
    for (int attempt = 0; attempt < 300 && status.equals("404"); attempt++) {
      Thread.sleep(100);
      status = curlStatus(url);
    }
    // The next requests must not reach the old worker, which still has the old sites.
    String master = Files.readString(nginxConf.getParent().resolve("nginx.pid")).trim();
    Path children = Path.of("/proc/" + master + "/task/" + master + "/children");
    for (int attempt = 0; attempt < 300; attempt++) {
      String pids = Files.readString(children).trim();
      if (!pids.isEmpty() && pids.split("\\s+").length == 1) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("nginx's old workers did not exit within 30 s");
  }

  static String curlStatus(String url) {
    java.net.URI uri = java.net.URI.create(url);
    return output(
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--max-time",
        "10",
        "--resolve",
        uri.getHost() + ":" + uri.getPort() + ":127.0.0.1",
        url);
  }

  @Override
  public void close() {
    if (nginxStarted) {
      exec(List.of("nginx", "-c", nginxConf.toString(), "-s", "stop"));
    }
    sshd.stop();
  }

  // ---- processes ----------------------------------------------------------------------------

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  static int exec(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static String output(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void run(String... command) {
    output(command);
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port);
  }
}
