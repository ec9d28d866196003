package dev.forgepreview.activities.ssh;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.CloneSettings.MysqlAddress;
import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.PreviewNames;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.RefreshSnapshotRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.SnapshotResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * 7. The clone of a preview from the master snapshot against the clone from the live master, on the
 * same fixture as 5 (two embedded SSH servers, one real MariaDB; the clone's own code, called
 * without Temporal): one refresh makes the snapshot, then each round clones the live master and the
 * snapshot into two preview databases.
 */
public final class SnapshotCloneBench {
  static final String PASSWORD = "bench snapshot password";
  static final PreviewSecrets SECRETS = PreviewSecrets.fromString("a bench key of sixteen bytes+");

  private SnapshotCloneBench() {}

  public static String run(Path root, boolean smoke, Path dir) throws Exception {
    int rows = smoke ? 20_000 : 100_000;
    int rounds = smoke ? 1 : 3;
    SshServerExtension masterSsh = new SshServerExtension();
    SshServerExtension previewSsh = new SshServerExtension();
    MariaDbExtension mariadb = new MariaDbExtension();
    try {
      masterSsh.beforeAll(null);
      previewSsh.beforeAll(null);
      mariadb.beforeAll(null);
      mariadb.sql(
          "DROP USER IF EXISTS ''@'localhost';\n"
              + "CREATE DATABASE big_master;\n"
              + "CREATE USER 'snapper'@'%' IDENTIFIED BY '"
              + PASSWORD
              + "';\n"
              + "GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER ON big_master.* TO 'snapper'@'%';\n"
              + "GRANT ALL ON `fps\\_%`.* TO 'snapper'@'%';\n"
              + "GRANT ALL ON `forge_preview_snapshots`.* TO 'snapper'@'%';\n");
      mariadb.sql(
          "CREATE TABLE payload (id INT PRIMARY KEY, body MEDIUMTEXT) DEFAULT CHARSET=utf8mb4;\n"
              + "INSERT INTO payload SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_"
              + rows
              + ";\n",
          "big_master");
      for (String name : List.of("pr_live", "pr_snap")) {
        mariadb.sql(
            "CREATE DATABASE "
                + name
                + ";\nCREATE USER '"
                + name
                + "'@'%' IDENTIFIED BY '"
                + SECRETS.databasePassword("preview:bench:shop:" + name)
                + "';\nGRANT ALL ON "
                + name
                + ".* TO '"
                + name
                + "'@'%';\n");
      }
      MysqlAddress mysql = new MysqlAddress("127.0.0.1", mariadb.port());
      DatabaseCloneActivitiesImpl impl =
          new DatabaseCloneActivitiesImpl(
              new SshSettings(
                  null,
                  masterSsh.clientKeyPem(),
                  null,
                  null,
                  List.of(masterSsh.hostKeyFingerprint(), previewSsh.hostKeyFingerprint()),
                  Duration.ofSeconds(10),
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(5)),
              CloneSettings.defaults()
                  .withPreviewSsh("forge", previewSsh.port())
                  .withMysql(mysql, mysql)
                  .withCommands(mariadb.dump(), mariadb.client(), null),
              SECRETS,
              host -> host.equals("127.0.0.1") ? new DbCredentials("snapper", PASSWORD) : null);
      MasterDatabase master =
          new MasterDatabase("127.0.0.1", masterSsh.port(), "deploy", "big_master");

      long r0 = System.nanoTime();
      Instant takenAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      SnapshotResult snapshot =
          impl.refreshSnapshot(
              new RefreshSnapshotRequest(
                  "bench",
                  master,
                  PreviewNames.snapshotDatabase("big_master", takenAt.toEpochMilli()),
                  takenAt.toString(),
                  1,
                  null),
              beat -> {});
      double refreshSeconds = (System.nanoTime() - r0) / 1e9;
      log("snapshot %s made in %.1f s", snapshot.snapshot(), refreshSeconds);

      List<String> lines = new ArrayList<>();
      double liveTotal = 0;
      double snapTotal = 0;
      long bytes = 0;
      for (int round = 1; round <= rounds; round++) {
        long l0 = System.nanoTime();
        CloneResult live = clone(impl, master, "pr_live", false, round);
        double liveSeconds = (System.nanoTime() - l0) / 1e9;
        long s0 = System.nanoTime();
        CloneResult fromSnapshot = clone(impl, master, "pr_snap", true, round);
        double snapSeconds = (System.nanoTime() - s0) / 1e9;
        if (fromSnapshot.source() == null
            || fromSnapshot.source().kind() != DataSource.Kind.SNAPSHOT) {
          throw new IllegalStateException("the clone did not read the snapshot: " + fromSnapshot);
        }
        String check =
            mariadb.sql(
                "SELECT COUNT(*) FROM pr_live.payload; SELECT COUNT(*) FROM pr_snap.payload;");
        log(
            "round %d: live %.1f s, snapshot %.1f s; rows %s",
            round, liveSeconds, snapSeconds, check.replace('\n', ' '));
        bytes = live.bytesCopied();
        liveTotal += liveSeconds;
        snapTotal += snapSeconds;
        lines.add(
            String.format(
                Locale.ROOT,
                "| %d | %.1f | %.1f | %.1f | %.2f |",
                round,
                live.bytesCopied() / 1e6,
                liveSeconds,
                snapSeconds,
                snapSeconds / liveSeconds));
      }
      StringBuilder out = new StringBuilder();
      out.append("| round | dump MB | clone from the live master s | clone from the snapshot s |")
          .append(" snapshot ÷ live |\n|---|---|---|---|---|\n");
      lines.forEach(l -> out.append(l).append('\n'));
      out.append(
          String.format(
              Locale.ROOT,
              "\nMean: live %.1f s, snapshot %.1f s (ratio %.2f). The refresh that made the"
                  + " snapshot (dump of the master loaded into `%s` on the same server, size"
                  + " %,d bytes of data and indexes) took %.1f s. Fixture: %,d rows of 1 KiB text"
                  + " in one table, %,d bytes of dump.\n",
              liveTotal / rounds,
              snapTotal / rounds,
              snapTotal / liveTotal,
              snapshot.snapshot(),
              snapshot.sizeBytes(),
              refreshSeconds,
              rows,
              bytes));
      return out.toString();
    } finally {
      try {
        mariadb.afterAll(null);
      } finally {
        masterSsh.afterAll(null);
        previewSsh.afterAll(null);
      }
    }
  }

  private static CloneResult clone(
      DatabaseCloneActivitiesImpl impl,
      MasterDatabase master,
      String target,
      boolean fromSnapshot,
      int round)
      throws Exception {
    CloneResult result =
        impl.cloneDatabase(
            new CloneDatabaseRequest(
                "bench-" + target + "-" + round,
                "preview:bench:shop:" + target,
                master,
                "127.0.0.1",
                target,
                target,
                fromSnapshot),
            progress -> {});
    if (!result.cloned()) {
      throw new IllegalStateException("nothing cloned: " + result);
    }
    return result;
  }

  private static void log(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    System.out.flush();
  }
}
