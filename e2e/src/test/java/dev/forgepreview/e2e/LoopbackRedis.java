package dev.forgepreview.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} (Debian's package) on a loopback port with its own directory, no
 * persistence, standing for the Redis of a shared Forge server. The worker reaches it the way it
 * reaches a real server's: over SSH (the compose host's {@code sshd}) with {@code redis-cli}; the
 * {@link #cli} script this class writes is {@code redis-cli} with the port, the worker's {@code
 * CLONE_REDIS_CLI_COMMAND}.
 */
final class LoopbackRedis implements AutoCloseable {
  private static final Path SERVER = Path.of("/usr/bin/redis-server");
  private static final Path CLIENT = Path.of("/usr/bin/redis-cli");

  final int port;
  final Path cli;
  private final ManagedProcess server;

  /** What this machine lacks to run it, or null when it has everything. */
  static String missing() {
    List<String> missing = new ArrayList<>();
    for (Path program : List.of(SERVER, CLIENT)) {
      if (!Files.isExecutable(program)) {
        missing.add(program.toString());
      }
    }
    return missing.isEmpty() ? null : "a real Redis needs " + String.join(", ", missing);
  }

  LoopbackRedis(Path dir, Path logs) throws Exception {
    Files.createDirectories(dir);
    port = E2eSystem.freePort();
    cli = dir.resolve("redis-cli-e2e");
    Files.writeString(cli, "#!/bin/sh\nexec " + CLIENT + " -p " + port + " \"$@\"\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
    server =
        new ManagedProcess(
            "redis-server",
            List.of(
                SERVER.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                "16"),
            Map.of(),
            logs.resolve("redis-server.log"));
    server.start();
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("redis-server does not listen on port " + port);
  }

  /** {@code SET key value} in database {@code db}. */
  void set(int db, String key, String value) {
    String answer = redisCli(db, "SET", key, value);
    if (!answer.equals("OK")) {
      throw new IllegalStateException("SET answered " + answer);
    }
  }

  /** {@code GET key} in database {@code db}: the value, or the empty string when there is none. */
  String get(int db, String key) {
    return redisCli(db, "GET", key);
  }

  /** The number of keys in database {@code db}. */
  long size(int db) {
    return Long.parseLong(redisCli(db, "DBSIZE"));
  }

  private String redisCli(int db, String... command) {
    List<String> args = new ArrayList<>(List.of(cli.toString(), "-n", Integer.toString(db)));
    args.addAll(List.of(command));
    return ComposeHost.output(args.toArray(String[]::new)).strip();
  }

  @Override
  public void close() {
    server.stop();
  }
}
