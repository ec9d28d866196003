package dev.forgepreview.activities.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.CloneSettings.MysqlAddress;
import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewNames;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.RefreshSnapshotRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.SnapshotResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The master snapshot against real servers: an embedded SSHD for the master's host and one for the
 * preview's, and one real MariaDB holding the masters, their snapshots, the catalog and the preview
 * databases. Each test has its own master database, so their snapshots never meet.
 */
class MasterSnapshotTest {
  @RegisterExtension static final SshServerExtension masterSsh = new SshServerExtension();
  @RegisterExtension static final SshServerExtension previewSsh = new SshServerExtension();
  @RegisterExtension static final MariaDbExtension mariadb = new MariaDbExtension();

  private static final String PASSWORD = "sn@p 'shot' \"pw\" $(id)";
  private static final PreviewSecrets SECRETS =
      PreviewSecrets.fromString("a test key of sixteen bytes or more");
  private static final String SCRUB =
      "UPDATE customers SET email = CONCAT('user', id, '@example.test'), name = CONCAT('Customer ',"
          + " id);\n";

  private final List<TestActivityEnvironment> environments = new java.util.ArrayList<>();
  private TestActivityEnvironment environment;

  @BeforeAll
  static void users() throws Exception {
    mariadb.sql(
        "DROP USER IF EXISTS ''@'localhost';\n"
            + "CREATE USER 'snapper'@'%' IDENTIFIED BY '"
            + PASSWORD.replace("'", "''")
            + "';\n"
            // What the snapshot needs on the master's server: read the masters, own the
            // snapshot databases and the catalog.
            + "GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER ON `crm%`.* TO 'snapper'@'%';\n"
            + "GRANT ALL ON `fps\\_%`.* TO 'snapper'@'%';\n"
            + "GRANT ALL ON `forge_preview_snapshots`.* TO 'snapper'@'%';\n");
  }

  @BeforeEach
  void setUp() {
    environment = TestActivityEnvironment.newInstance();
    environments.add(environment);
  }

  @AfterEach
  void tearDown() {
    environments.forEach(TestActivityEnvironment::close);
  }

  /** A master with 500 customers (names and e-mail addresses) and their orders. */
  private static void seedMaster(String name) throws Exception {
    mariadb.sql("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n");
    mariadb.sql(
        "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL,"
            + " email VARCHAR(200) NOT NULL) DEFAULT CHARSET=utf8mb4;\n"
            + "INSERT INTO customers SELECT seq, CONCAT('Kund ', seq, ' Ærøskøbing'),"
            + " CONCAT('kund', seq, '@real-mail.example') FROM seq_1_to_500;\n"
            + "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total"
            + " DECIMAL(10,2)) DEFAULT CHARSET=utf8mb4;\n"
            + "INSERT INTO orders SELECT seq, 1 + seq % 500, seq * 1.5 FROM seq_1_to_2000;\n"
            + "CREATE VIEW big_spenders AS SELECT customer_id, SUM(total) AS total FROM orders"
            + " GROUP BY customer_id;\n",
        name);
  }

  private static void createPreviewDatabase(String name, String previewId) throws Exception {
    mariadb.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + name
            + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
            + "CREATE USER IF NOT EXISTS '"
            + name
            + "'@'%' IDENTIFIED BY '"
            + SECRETS.databasePassword(previewId)
            + "';\n"
            + "GRANT ALL ON "
            + name
            + ".* TO '"
            + name
            + "'@'%';\n");
  }

  private DatabaseCloneActivities activities(int masterMysqlPort) throws Exception {
    SshSettings ssh =
        new SshSettings(
            null,
            masterSsh.clientKeyPem(),
            null,
            null,
            List.of(masterSsh.hostKeyFingerprint(), previewSsh.hostKeyFingerprint()),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            Duration.ofSeconds(5));
    CloneSettings settings =
        CloneSettings.defaults()
            .withPreviewSsh("forge", previewSsh.port())
            .withMysql(
                new MysqlAddress("127.0.0.1", masterMysqlPort),
                new MysqlAddress("127.0.0.1", mariadb.port()))
            .withCommands(mariadb.dump(), mariadb.client(), null);
    // One environment per configuration: an environment takes each activity type once.
    TestActivityEnvironment own =
        environments.size() == 1 && !registered ? environment : newEnvironment();
    registered = true;
    own.registerActivitiesImplementations(
        new DatabaseCloneActivitiesImpl(
            ssh,
            settings,
            SECRETS,
            host -> host.equals("127.0.0.1") ? new DbCredentials("snapper", PASSWORD) : null));
    return own.newActivityStub(
        DatabaseCloneActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private boolean registered;

  private TestActivityEnvironment newEnvironment() {
    TestActivityEnvironment created = TestActivityEnvironment.newInstance();
    environments.add(created);
    return created;
  }

  private DatabaseCloneActivities activities() throws Exception {
    return activities(mariadb.port());
  }

  private static MasterDatabase master(String database) {
    return new MasterDatabase("127.0.0.1", masterSsh.port(), "forge", database);
  }

  private static RefreshSnapshotRequest refresh(
      String master, String takenAt, int keep, String scrub) {
    return new RefreshSnapshotRequest(
        "snapshot-" + takenAt,
        master(master),
        PreviewNames.snapshotDatabase(master, Instant.parse(takenAt).toEpochMilli()),
        takenAt,
        keep,
        scrub);
  }

  private static CloneResult cloneInto(
      DatabaseCloneActivities activities, String master, String target) throws Exception {
    String previewId = "preview:acme:shop:" + target;
    createPreviewDatabase(target, previewId);
    return activities.cloneDatabase(
        new CloneDatabaseRequest(
            "clone-" + target, previewId, master(master), "127.0.0.1", target, target, true));
  }

  private static boolean exists(String database) throws Exception {
    return mariadb
        .sql(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                + database
                + "';")
        .strip()
        .equals("1");
  }

  private static String rows(String sql, String database) throws Exception {
    return mariadb.sql(sql, database);
  }

  private static final String CUSTOMERS = "SELECT COUNT(*), MAX(id), MIN(email) FROM customers;";

  @Test
  void aSnapshotIsMadeAndAPreviewClonesItsRowsNotTheLiveMasters() throws Exception {
    seedMaster("crm_made");
    DatabaseCloneActivities activities = activities();
    List<Long> heartbeats = new java.util.concurrent.CopyOnWriteArrayList<>();
    environment.setActivityHeartbeatListener(Long.class, heartbeats::add);

    SnapshotResult made =
        activities.refreshSnapshot(refresh("crm_made", "2026-11-01T03:00:00Z", 2, null));

    assertThat(made.snapshot()).isEqualTo("fps_20261101_030000_crm_made");
    assertThat(made.takenAt()).isEqualTo("2026-11-01T03:00:00Z");
    assertThat(made.sizeBytes()).isGreaterThan(0);
    assertThat(made.kept()).containsExactly(made.snapshot());
    assertThat(made.dropped()).isEmpty();
    assertThat(rows(CUSTOMERS, made.snapshot())).isEqualTo(rows(CUSTOMERS, "crm_made"));
    assertThat(rows("SELECT COUNT(*), SUM(total) FROM big_spenders;", made.snapshot()))
        .isEqualTo(rows("SELECT COUNT(*), SUM(total) FROM big_spenders;", "crm_made"));
    // The password went through a private option file, never onto a command line.
    assertThat(masterSsh.commands())
        .noneMatch(command -> command.contains("sn@p"))
        .anyMatch(command -> command.contains("--single-transaction") && command.contains("fps_"));

    // The master changes after the snapshot; the preview gets the snapshot's rows.
    mariadb.sql(
        "INSERT INTO customers VALUES (501, 'after the snapshot', 'late@real-mail.example');",
        "crm_made");
    CloneResult cloned = cloneInto(activities, "crm_made", "pr_101");

    assertThat(cloned.cloned()).isTrue();
    assertThat(cloned.warning()).isNull();
    assertThat(cloned.source())
        .isEqualTo(
            new DataSource(
                DataSource.Kind.SNAPSHOT,
                made.snapshot(),
                "2026-11-01T03:00:00Z",
                made.sizeBytes()));
    assertThat(rows(CUSTOMERS, "pr_101")).isEqualTo("500\t500\tkund100@real-mail.example\n");
    assertThat(rows("SELECT COUNT(*) FROM orders;", "pr_101")).isEqualTo("2000\n");
  }

  @Test
  void theScrubScriptRunsInsideTheSnapshotBeforeAPreviewReadsIt() throws Exception {
    seedMaster("crm_scrub");
    DatabaseCloneActivities activities = activities();

    SnapshotResult made =
        activities.refreshSnapshot(refresh("crm_scrub", "2026-11-02T03:00:00Z", 2, SCRUB));

    assertThat(
            rows("SELECT COUNT(*) FROM customers WHERE email LIKE '%real-mail%';", made.snapshot()))
        .isEqualTo("0\n");
    // The master is untouched.
    assertThat(rows("SELECT email FROM customers WHERE id = 7;", "crm_scrub"))
        .isEqualTo("kund7@real-mail.example\n");
    cloneInto(activities, "crm_scrub", "pr_102");
    assertThat(rows("SELECT name, email FROM customers WHERE id = 7;", "pr_102"))
        .isEqualTo("Customer 7\tuser7@example.test\n");
    assertThat(rows("SELECT COUNT(*) FROM customers WHERE email LIKE '%real-mail%';", "pr_102"))
        .isEqualTo("0\n");
  }

  @Test
  void aRefreshReplacesTheSnapshotAndOnlyTheNewestKeepStay() throws Exception {
    seedMaster("crm_keep");
    DatabaseCloneActivities activities = activities();

    SnapshotResult first =
        activities.refreshSnapshot(refresh("crm_keep", "2026-11-01T03:00:00Z", 2, null));
    mariadb.sql("DELETE FROM customers WHERE id > 400;", "crm_keep");
    SnapshotResult second =
        activities.refreshSnapshot(refresh("crm_keep", "2026-11-08T03:00:00Z", 2, null));
    mariadb.sql("DELETE FROM customers WHERE id > 300;", "crm_keep");
    SnapshotResult third =
        activities.refreshSnapshot(refresh("crm_keep", "2026-11-15T03:00:00Z", 2, null));

    assertThat(second.kept()).containsExactly(second.snapshot(), first.snapshot());
    assertThat(second.dropped()).isEmpty();
    assertThat(third.kept()).containsExactly(third.snapshot(), second.snapshot());
    assertThat(third.dropped()).containsExactly(first.snapshot());
    assertThat(exists(first.snapshot())).isFalse();
    assertThat(exists(second.snapshot())).isTrue();
    assertThat(
            mariadb.sql(
                "SELECT name FROM forge_preview_snapshots.snapshots WHERE master = 'crm_keep'"
                    + " ORDER BY name;"))
        .isEqualTo(second.snapshot() + "\n" + third.snapshot() + "\n");

    CloneResult cloned = cloneInto(activities, "crm_keep", "pr_103");
    assertThat(cloned.source().database()).isEqualTo(third.snapshot());
    assertThat(rows("SELECT COUNT(*) FROM customers;", "pr_103")).isEqualTo("300\n");

    // keep: 1 drops every other.
    SnapshotResult fourth =
        activities.refreshSnapshot(refresh("crm_keep", "2026-11-22T03:00:00Z", 1, null));
    assertThat(fourth.kept()).containsExactly(fourth.snapshot());
    assertThat(fourth.dropped()).containsExactlyInAnyOrder(third.snapshot(), second.snapshot());
  }

  @Test
  void aMasterUnreachableDuringARefreshLeavesThePreviousSnapshotInUse() throws Exception {
    seedMaster("crm_down");
    SnapshotResult first =
        activities().refreshSnapshot(refresh("crm_down", "2026-11-01T03:00:00Z", 2, null));
    mariadb.sql("DELETE FROM customers WHERE id > 100;", "crm_down");

    // The master's MySQL refuses connections: a transient failure, retried by the workflow.
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    DatabaseCloneActivities down = activities(closed);
    assertThatThrownBy(
            () -> down.refreshSnapshot(refresh("crm_down", "2026-11-08T03:00:00Z", 2, null)))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e -> {
              ApplicationFailure failure = (ApplicationFailure) e.getCause();
              assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
              assertThat(failure.getOriginalMessage()).doesNotContain("sn@p");
            });
    // The master's SSH host is down: transient too.
    DatabaseCloneActivities hostDown = activities();
    RefreshSnapshotRequest unreachable =
        new RefreshSnapshotRequest(
            "snapshot-x",
            new MasterDatabase("127.0.0.1", closed, "forge", "crm_down"),
            "fps_20261108_030000_crm_down",
            "2026-11-08T03:00:00Z",
            2,
            null);
    assertThatThrownBy(() -> hostDown.refreshSnapshot(unreachable))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e ->
                assertThat(((ApplicationFailure) e.getCause()).getType())
                    .isEqualTo(FailureType.TRANSIENT.name()));

    CloneResult cloned = cloneInto(activities(), "crm_down", "pr_104");
    assertThat(cloned.source().database()).isEqualTo(first.snapshot());
    assertThat(rows("SELECT COUNT(*) FROM customers;", "pr_104")).isEqualTo("500\n");
  }

  @Test
  void aFailingScrubLeavesNoSnapshotAPreviewCanReadAndTheNextRefreshDropsIt() throws Exception {
    seedMaster("crm_badscrub");
    DatabaseCloneActivities activities = activities();
    SnapshotResult first =
        activities.refreshSnapshot(refresh("crm_badscrub", "2026-11-01T03:00:00Z", 2, SCRUB));

    RefreshSnapshotRequest broken =
        refresh("crm_badscrub", "2026-11-08T03:00:00Z", 2, "UPDATE no_such_table SET x = 1;");
    assertThatThrownBy(() -> activities.refreshSnapshot(broken))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e -> {
              ApplicationFailure failure = (ApplicationFailure) e.getCause();
              assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getOriginalMessage()).contains("no_such_table");
            });
    // Loaded but never marked complete: no preview reads it.
    assertThat(exists(broken.snapshot())).isTrue();
    CloneResult cloned = cloneInto(activities, "crm_badscrub", "pr_105");
    assertThat(cloned.source().database()).isEqualTo(first.snapshot());
    assertThat(rows("SELECT COUNT(*) FROM customers WHERE email LIKE '%real-mail%';", "pr_105"))
        .isEqualTo("0\n");

    SnapshotResult next =
        activities.refreshSnapshot(refresh("crm_badscrub", "2026-11-15T03:00:00Z", 2, SCRUB));
    assertThat(next.kept()).containsExactly(next.snapshot(), first.snapshot());
    assertThat(next.dropped()).containsExactly(broken.snapshot());
    assertThat(exists(broken.snapshot())).isFalse();
  }

  @Test
  void withoutASnapshotThePreviewClonesTheLiveMasterAndSaysSo() throws Exception {
    seedMaster("crm_fresh");

    CloneResult cloned = cloneInto(activities(), "crm_fresh", "pr_106");

    assertThat(cloned.cloned()).isTrue();
    assertThat(cloned.warning()).contains("no complete snapshot of crm_fresh").contains("live");
    assertThat(cloned.source().kind()).isEqualTo(DataSource.Kind.LIVE_MASTER);
    assertThat(cloned.source().database()).isEqualTo("crm_fresh");
    assertThat(Instant.parse(cloned.source().takenAt())).isNotNull();
    assertThat(rows(CUSTOMERS, "pr_106")).isEqualTo(rows(CUSTOMERS, "crm_fresh"));
  }
}
