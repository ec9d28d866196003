package dev.forgepreview.activities.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.ssh.CloneSettings.MysqlAddress;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneDatabaseRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.CloneResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clone against real servers: two embedded SSHDs (the master's and the preview's machine) that
 * run commands on this machine, and one real MariaDB holding the master and the preview databases.
 */
class DatabaseCloneActivitiesImplTest {
  @RegisterExtension static final SshServerExtension masterSsh = new SshServerExtension();
  @RegisterExtension static final SshServerExtension previewSsh = new SshServerExtension();
  @RegisterExtension static final MariaDbExtension mariadb = new MariaDbExtension();

  /** Every character the option file must carry through: quotes, backslash, #, $, ;, space. */
  static final String MASTER_PASSWORD = "p@ss \"w#rd' \\ $(id);x";

  static final PreviewSecrets SECRETS =
      PreviewSecrets.fromString("a test key of sixteen bytes or more");
  static final List<String> SHOP_TABLES = List.of("customers", "empty_things", "orders");

  private TestActivityEnvironment activityEnvironment;

  @BeforeAll
  static void seed() throws Exception {
    mariadb.sql(
        "DROP USER IF EXISTS ''@'localhost';\n"
            + "CREATE DATABASE shop_master CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
            + "CREATE DATABASE big_master;\n"
            + "CREATE USER 'master_reader'@'%' IDENTIFIED BY '"
            + MASTER_PASSWORD.replace("\\", "\\\\").replace("'", "''")
            + "';\n"
            + "GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER ON shop_master.* TO 'master_reader'@'%';\n"
            + "GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER ON big_master.* TO 'master_reader'@'%';\n"
            + "GRANT SELECT, SHOW VIEW, LOCK TABLES ON no_such_db.* TO 'master_reader'@'%';\n");
    mariadb.sql(
        "CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(200) NOT NULL,"
            + " bio TEXT, avatar VARBINARY(64), created DATETIME) DEFAULT CHARSET=utf8mb4;\n"
            + "INSERT INTO customers (name, bio, avatar, created) SELECT"
            + " CONCAT('Kund ', seq, ' Ærøskøbing 東京 🚀'),"
            + " CONCAT('line one\\nline two \"double\" ''single'' \\\\ backslash; $(id) `id` ', seq),"
            + " UNHEX(CONCAT('00', SHA2(seq, 256), '0d0a27225c')),"
            + " '2024-01-01 00:00:00' + INTERVAL seq MINUTE FROM seq_1_to_3000;\n"
            + "CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL,"
            + " total DECIMAL(10,2), receipt BLOB, FOREIGN KEY (customer_id) REFERENCES customers(id))"
            + " DEFAULT CHARSET=utf8mb4;\n"
            + "INSERT INTO orders (customer_id, total, receipt) SELECT 1 + seq % 3000, seq * 1.25,"
            + " UNHEX(REPEAT(LPAD(HEX(seq % 256), 2, '0'), 40)) FROM seq_1_to_5000;\n"
            + "CREATE TABLE empty_things (id INT PRIMARY KEY) DEFAULT CHARSET=utf8mb4;\n"
            + "CREATE VIEW customer_totals AS SELECT c.id, c.name, SUM(o.total) AS total"
            + " FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name;\n",
        "shop_master");
    // About 52 MB of dump: 51,200 rows of 1 KiB text.
    mariadb.sql(
        "CREATE TABLE payload (id INT PRIMARY KEY, body MEDIUMTEXT) DEFAULT CHARSET=utf8mb4;\n"
            + "INSERT INTO payload SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_51200;\n",
        "big_master");
  }

  @BeforeEach
  void setUp() {
    activityEnvironment = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    activityEnvironment.close();
  }

  /** A preview database and user as Forge creates them, with a stale table from an earlier run. */
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
            + "'@'%';\n"
            + "CREATE TABLE IF NOT EXISTS "
            + name
            + ".leftover (id INT);\n");
  }

  private DatabaseCloneActivitiesImpl activities() throws Exception {
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
    MysqlAddress mysql = new MysqlAddress("127.0.0.1", mariadb.port());
    CloneSettings settings =
        CloneSettings.defaults()
            .withPreviewSsh("forge", previewSsh.port())
            .withMysql(mysql, mysql)
            .withCommands(mariadb.dump(), mariadb.client(), null);
    return new DatabaseCloneActivitiesImpl(
        ssh,
        settings,
        SECRETS,
        host ->
            host.equals("127.0.0.1") ? new DbCredentials("master_reader", MASTER_PASSWORD) : null);
  }

  private DatabaseCloneActivities stub(DatabaseCloneActivitiesImpl impl) {
    activityEnvironment.registerActivitiesImplementations(impl);
    return activityEnvironment.newActivityStub(
        DatabaseCloneActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static MasterDatabase master(SshServerExtension server, String database) {
    return new MasterDatabase("127.0.0.1", server.port(), "deploy", database);
  }

  private static Map<String, String> checksums(String database, List<String> tables)
      throws Exception {
    StringBuilder sql = new StringBuilder("CHECKSUM TABLE ");
    for (int i = 0; i < tables.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(database).append('.').append(tables.get(i));
    }
    Map<String, String> result = new TreeMap<>();
    for (String line : mariadb.sql(sql + ";").split("\n")) {
      String[] columns = line.split("\t");
      result.put(columns[0].substring(columns[0].indexOf('.') + 1), columns[1]);
    }
    return result;
  }

  private static String objects(String database) throws Exception {
    return mariadb.sql(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
            + database
            + "' ORDER BY TABLE_NAME;");
  }

  private static void assertIdenticalShop(String target) throws Exception {
    assertThat(objects(target)).isEqualTo(objects("shop_master"));
    assertThat(objects(target)).contains("customer_totals\tVIEW").doesNotContain("leftover");
    Map<String, String> expected = checksums("shop_master", SHOP_TABLES);
    assertThat(expected.get("customers")).isNotIn("0", "NULL");
    assertThat(expected.get("orders")).isNotIn("0", "NULL");
    assertThat(checksums(target, SHOP_TABLES)).isEqualTo(expected);
    assertThat(mariadb.sql("SELECT COUNT(*), SUM(total) FROM " + target + ".customer_totals;"))
        .isEqualTo(mariadb.sql("SELECT COUNT(*), SUM(total) FROM shop_master.customer_totals;"));
    assertThat(
            mariadb.sql(
                "SELECT name, bio, HEX(avatar) FROM " + target + ".customers WHERE id = 7;"))
        .contains("Ærøskøbing 東京 🚀")
        .isEqualTo(
            mariadb.sql("SELECT name, bio, HEX(avatar) FROM shop_master.customers WHERE id = 7;"));
    assertThat(
            mariadb.sql(
                "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                    + target
                    + "';"))
        .isEqualTo("utf8mb4_unicode_ci\n");
  }

  @Test
  void clonesAcrossTwoMachinesWithIdenticalChecksums() throws Exception {
    createPreviewDatabase("pr_7", "preview:acme:shop:7");
    List<Long> heartbeats = new CopyOnWriteArrayList<>();
    activityEnvironment.setActivityHeartbeatListener(Long.class, heartbeats::add);

    CloneResult result =
        stub(activities())
            .cloneDatabase(
                new CloneDatabaseRequest(
                    "req-7",
                    "preview:acme:shop:7",
                    master(masterSsh, "shop_master"),
                    "127.0.0.1",
                    "pr_7",
                    "pr_7"));

    assertThat(result.cloned()).isTrue();
    assertThat(result.warning()).isNull();
    assertThat(result.bytesCopied()).isGreaterThan(500_000);
    assertThat(heartbeats).isNotEmpty();
    assertIdenticalShop("pr_7");
    // The password travelled in a 0600 file, never on a command line.
    assertThat(masterSsh.lastCommand()).doesNotContain("w#rd").contains("--defaults-extra-file");
    assertThat(previewSsh.lastCommand())
        .doesNotContain(SECRETS.databasePassword("preview:acme:shop:7"));
  }

  @Test
  void clonesOnOneMachineInOneCommand() throws Exception {
    createPreviewDatabase("pr_8", "preview:acme:shop:8");

    CloneResult result =
        stub(activities())
            .cloneDatabase(
                new CloneDatabaseRequest(
                    "req-8",
                    "preview:acme:shop:8",
                    new MasterDatabase("127.0.0.1", previewSsh.port(), "forge", "shop_master"),
                    "127.0.0.1",
                    "pr_8",
                    "pr_8"));

    assertThat(result.cloned()).isTrue();
    assertThat(result.bytesCopied()).isGreaterThan(500_000);
    assertThat(previewSsh.lastCommand()).contains("| tee").doesNotContain("w#rd");
    assertIdenticalShop("pr_8");
  }

  @Test
  void aMissingMasterDatabaseIsAWarning() throws Exception {
    createPreviewDatabase("pr_9", "preview:acme:shop:9");

    CloneResult result =
        stub(activities())
            .cloneDatabase(
                new CloneDatabaseRequest(
                    "req-9",
                    "preview:acme:shop:9",
                    master(masterSsh, "no_such_db"),
                    "127.0.0.1",
                    "pr_9",
                    "pr_9"));

    assertThat(result.cloned()).isFalse();
    assertThat(result.warning()).contains("no_such_db").contains("does not exist");
    // The target was left alone.
    assertThat(objects("pr_9")).contains("leftover");
  }

  @Test
  void aDatabaseNameWithShellMetacharactersIsRefusedBeforeAnythingRuns() throws Exception {
    DatabaseCloneActivities activities = stub(activities());
    for (String hostile :
        List.of("shop;reboot", "shop$(id)", "shop`id`", "shop' OR '1", "a b", "a\nb")) {
      String before = masterSsh.lastCommand();
      assertThatThrownBy(
              () ->
                  activities.cloneDatabase(
                      new CloneDatabaseRequest(
                          "req-x",
                          "preview:acme:shop:10",
                          master(masterSsh, hostile),
                          "127.0.0.1",
                          "pr_10",
                          "pr_10")))
          .isInstanceOfSatisfying(
              ActivityFailure.class,
              e -> {
                ApplicationFailure failure = (ApplicationFailure) e.getCause();
                assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
                assertThat(failure.isNonRetryable()).isTrue();
              });
      assertThat(masterSsh.lastCommand()).isSameAs(before);
    }
  }

  @Test
  void aStreamDroppedMidwayFailsTransientlyAndTheRetryClonesEverything() throws Exception {
    createPreviewDatabase("pr_11", "preview:acme:shop:11");
    DatabaseCloneActivities activities = stub(activities());
    CloneDatabaseRequest request =
        new CloneDatabaseRequest(
            "req-11",
            "preview:acme:shop:11",
            master(masterSsh, "shop_master"),
            "127.0.0.1",
            "pr_11",
            "pr_11");

    masterSsh.dropNextCommandAfter(mariadb.dump(), 300_000);
    assertThatThrownBy(() -> activities.cloneDatabase(request))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e -> {
              ApplicationFailure failure = (ApplicationFailure) e.getCause();
              assertThat(failure.getType()).isEqualTo(FailureType.TRANSIENT.name());
              assertThat(failure.isNonRetryable()).isFalse();
              assertThat(failure.getOriginalMessage()).contains("lost");
            });

    CloneResult retried = activities.cloneDatabase(request);
    assertThat(retried.cloned()).isTrue();
    assertIdenticalShop("pr_11");
  }

  @Test
  void aFailingDumpIsAFailureWithItsStderr() throws Exception {
    createPreviewDatabase("pr_12", "preview:acme:shop:12");
    DatabaseCloneActivitiesImpl impl = activities();
    DatabaseCloneActivities activities = stub(impl);
    mariadb.sql("REVOKE LOCK TABLES, SHOW VIEW ON shop_master.* FROM 'master_reader'@'%';");
    try {
      assertThatThrownBy(
              () ->
                  activities.cloneDatabase(
                      new CloneDatabaseRequest(
                          "req-12",
                          "preview:acme:shop:12",
                          master(masterSsh, "shop_master"),
                          "127.0.0.1",
                          "pr_12",
                          "pr_12")))
          .isInstanceOfSatisfying(
              ActivityFailure.class,
              e -> {
                ApplicationFailure failure = (ApplicationFailure) e.getCause();
                assertThat(failure.getType()).isEqualTo(FailureType.FAILED.name());
                assertThat(failure.getOriginalMessage())
                    .contains("mysqldump of shop_master")
                    .contains("exited with status")
                    .doesNotContain("w#rd");
              });
    } finally {
      mariadb.sql("GRANT LOCK TABLES, SHOW VIEW ON shop_master.* TO 'master_reader'@'%';");
    }
  }

  @Test
  void streamsFiftyMegabytesWithAFlatHeap() throws Exception {
    createPreviewDatabase("pr_big", "preview:acme:shop:big");
    DatabaseCloneActivitiesImpl impl = activities();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong maxUsed = new AtomicLong(baseline);
    AtomicLong samples = new AtomicLong();
    AtomicLong lastProgress = new AtomicLong();
    List<String> series = new CopyOnWriteArrayList<>();
    List<long[]> progressAndUsed = new CopyOnWriteArrayList<>();
    AtomicBoolean streaming = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (streaming.get()) {
                System.gc();
                long used = memory.getHeapMemoryUsage().getUsed();
                maxUsed.accumulateAndGet(used, Math::max);
                progressAndUsed.add(new long[] {lastProgress.get(), used});
                if (samples.incrementAndGet() % 5 == 1) {
                  series.add(
                      lastProgress.get() / 1_000_000 + " MB: " + used / (1024 * 1024) + " MiB");
                }
                try {
                  Thread.sleep(150);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    sampler.start();
    CloneResult result;
    try {
      result =
          impl.cloneDatabase(
              new CloneDatabaseRequest(
                  "req-big",
                  "preview:acme:shop:big",
                  master(masterSsh, "big_master"),
                  "127.0.0.1",
                  "pr_big",
                  "pr_big"),
              lastProgress::set);
    } finally {
      streaming.set(false);
      sampler.join();
    }

    long mib = 1024 * 1024;
    System.out.printf(
        "50 MB stream: %,d bytes copied; used heap after GC: baseline %,d MiB, max during the"
            + " stream %,d MiB (%d samples); heap limit (-Xmx) %,d MiB%n",
        result.bytesCopied(),
        baseline / mib,
        maxUsed.get() / mib,
        samples.get(),
        Runtime.getRuntime().maxMemory() / mib);
    System.out.println("used heap after GC by bytes copied: " + series);
    assertThat(result.bytesCopied()).isGreaterThan(50L * 1000 * 1000);
    assertThat(lastProgress.get()).isEqualTo(result.bytesCopied());
    assertThat(samples.get()).isGreaterThan(0);
    // Flat: once the channels' windows and buffers are allocated, the used heap stops growing; the
    // second half of the stream needs no more heap than the first.
    long half = result.bytesCopied() / 2;
    long firstHalf =
        progressAndUsed.stream().filter(s -> s[0] < half).mapToLong(s -> s[1]).max().orElse(0);
    long secondHalf =
        progressAndUsed.stream().filter(s -> s[0] >= half).mapToLong(s -> s[1]).max().orElse(0);
    System.out.printf(
        "max used heap: first half of the stream %,d MiB, second half %,d MiB%n",
        firstHalf / mib, secondHalf / mib);
    assertThat(firstHalf).isPositive();
    assertThat(secondHalf).isPositive().isLessThan(firstHalf + 16 * mib);
    assertThat(maxUsed.get() - baseline).isLessThan(result.bytesCopied());
    assertThat(checksums("pr_big", List.of("payload")))
        .isEqualTo(checksums("big_master", List.of("payload")));
  }
}
