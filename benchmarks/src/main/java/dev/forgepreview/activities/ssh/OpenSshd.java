package dev.forgepreview.activities.ssh;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd} from Debian's {@code openssh-server}) started by
 * the benchmark on a free loopback port, with its own host key, authorized key and configuration in
 * its own directory; it lets the current user in with the generated client key only. Stopped by
 * {@link #close()}.
 */
final class OpenSshd implements AutoCloseable {
  static final String SSHD = "/usr/sbin/sshd";

  private final Path dir;
  private final int port;
  private final Process process;
  private final String hostKeyFingerprint;

  private OpenSshd(Path dir, int port, Process process, String hostKeyFingerprint) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.hostKeyFingerprint = hostKeyFingerprint;
  }

  /** A new ed25519 client key in {@code file} (OpenSSH format) and {@code file.pub}. */
  static String clientKey(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".pub"));
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", file.toString());
    return Files.readString(file);
  }

  /**
   * Starts sshd in {@code dir}, letting in the key whose public half is {@code clientPublicKey};
   * {@code extraConfig} lines are appended to its configuration.
   */
  static OpenSshd start(Path dir, Path clientPublicKey, List<String> extraConfig) throws Exception {
    if (!Files.isExecutable(Path.of(SSHD))) {
      throw new IllegalStateException(
          SSHD + " is missing (bin/benchmarks installs openssh-server)");
    }
    Files.createDirectories(dir);
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    clientKey(hostKey);
    Files.deleteIfExists(dir.resolve("authorized_keys"));
    Files.copy(clientPublicKey, dir.resolve("authorized_keys"));
    String fingerprint =
        run("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub").split(" ")[1];
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringBuilder config = new StringBuilder();
    config
        .append("Port ")
        .append(port)
        .append("\nListenAddress 127.0.0.1\nHostKey ")
        .append(hostKey)
        .append("\nPidFile ")
        .append(dir.resolve("sshd.pid"))
        .append("\nAuthorizedKeysFile ")
        .append(dir.resolve("authorized_keys"))
        .append(
            "\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                + "UsePAM no\nPermitRootLogin prohibit-password\nAllowUsers ")
        .append(System.getProperty("user.name"))
        .append("\nLogLevel ERROR\n");
    extraConfig.forEach(line -> config.append(line).append('\n'));
    Path configFile = dir.resolve("sshd_config");
    Files.writeString(configFile, config);
    // sshd started by root checks for its privilege separation directory.
    Files.createDirectories(Path.of("/run/sshd"));
    run(SSHD, "-t", "-f", configFile.toString());
    Process process =
        new ProcessBuilder(SSHD, "-D", "-e", "-f", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "sshd did not start: " + Files.readString(dir.resolve("sshd.log")), e);
        }
        Thread.sleep(50);
      }
    }
    return new OpenSshd(dir, port, process, fingerprint);
  }

  int port() {
    return port;
  }

  String user() {
    return System.getProperty("user.name");
  }

  String hostKeyFingerprint() {
    return hostKeyFingerprint;
  }

  Path dir() {
    return dir;
  }

  /** The listening sshd's pid: its children are the sessions and the commands they ran. */
  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
