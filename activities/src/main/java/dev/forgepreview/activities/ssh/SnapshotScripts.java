package dev.forgepreview.activities.ssh;

import static dev.forgepreview.activities.ssh.CloneScripts.MASTER_FILE;
import static dev.forgepreview.activities.ssh.SafeNames.shellQuote;

import dev.forgepreview.activities.ssh.CloneScripts.Upload;
import dev.forgepreview.workflows.PreviewNames;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The scripts of the master snapshot, run on the master's SSH host against the master's MySQL
 * server, built from the clone's pieces ({@link CloneScripts}: the private option-file prelude, the
 * existence check, the dump). A snapshot is a database {@code fps_…} on the master's server; the
 * catalog table {@code forge_preview_snapshots.snapshots} lists each one with its master, time,
 * size and whether it is complete. Every name is validated before and quoted here.
 */
final class SnapshotScripts {
  static final String CATALOG = "`" + PreviewNames.SNAPSHOT_CATALOG + "`.`snapshots`";
  private static final String SCRUB_FILE = "scrub.sql";
  private static final Pattern ISO_INSTANT =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

  private final CloneScripts clone;

  SnapshotScripts(CloneScripts clone) {
    this.clone = clone;
  }

  /**
   * Makes {@code snapshot} from {@code master}: registers it as incomplete, empties it (created
   * with the master's character set), loads {@code mysqldump --single-transaction} of the master
   * into it, runs the scrub script (read from standard input after the option file) inside it, then
   * records its size and marks it complete. Prints {@code size=N}. Exits {@value
   * CloneScripts#MISSING_DATABASE_EXIT} when the master database does not exist.
   */
  String refresh(
      String master, String snapshot, String takenAt, int optionFileLength, int scrubLength) {
    SafeNames.requireDatabase(master);
    SafeNames.requireDatabase(snapshot);
    if (!ISO_INSTANT.matcher(takenAt).matches()) {
      throw new SafeNames.InvalidNameException("a snapshot time", takenAt);
    }
    List<Upload> uploads = new ArrayList<>();
    uploads.add(new Upload(MASTER_FILE, optionFileLength));
    if (scrubLength > 0) {
      uploads.add(new Upload(SCRUB_FILE, scrubLength));
    }
    String prepare =
        "CREATE DATABASE IF NOT EXISTS `"
            + PreviewNames.SNAPSHOT_CATALOG
            + "`;\n"
            + "CREATE TABLE IF NOT EXISTS "
            + CATALOG
            + " (name VARCHAR(64) NOT NULL PRIMARY KEY, master VARCHAR(64) NOT NULL,"
            + " taken_at VARCHAR(40) NOT NULL, size_bytes BIGINT NOT NULL DEFAULT 0,"
            + " complete TINYINT NOT NULL DEFAULT 0, KEY by_master (master, complete));\n"
            + "DELETE FROM "
            + CATALOG
            + " WHERE name = '"
            + snapshot
            + "';\n"
            + "INSERT INTO "
            + CATALOG
            + " (name, master, taken_at) VALUES ('"
            + snapshot
            + "', '"
            + master
            + "', '"
            + takenAt
            + "');\n"
            + "DROP DATABASE IF EXISTS `"
            + snapshot
            + "`;\n"
            + "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME INTO @fp_cs, @fp_co"
            + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
            + master
            + "';\n"
            + "SET @fp_create = CONCAT('CREATE DATABASE `"
            + snapshot
            + "`', IFNULL(CONCAT(' CHARACTER SET ', @fp_cs, ' COLLATE ', @fp_co), ''));\n"
            + "PREPARE fp_create FROM @fp_create;\n"
            + "EXECUTE fp_create;\n"
            + "DEALLOCATE PREPARE fp_create;\n";
    String complete =
        "UPDATE "
            + CATALOG
            + " SET complete = 1, size_bytes = (SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0)"
            + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
            + snapshot
            + "') WHERE name = '"
            + snapshot
            + "';\n"
            + "SELECT CONCAT('size=', size_bytes) FROM "
            + CATALOG
            + " WHERE name = '"
            + snapshot
            + "';\n";
    String dump = clone.dumpPipeline(master).stripTrailing();
    return CloneScripts.prelude(uploads)
        + clone.existenceCheck(master)
        + "printf '%s' "
        + shellQuote(prepare)
        + " | "
        + query()
        + " || exit $?\n"
        + dump
        + " | "
        + clone.client(MASTER_FILE)
        + " "
        + shellQuote(snapshot)
        + "\n"
        + "c=$?\n"
        + "r=$(cat \"$d/dump.rc\" 2>/dev/null) || r=70\n"
        + "[ \"$r\" = 0 ] || exit \"$r\"\n"
        + "[ \"$c\" = 0 ] || exit \"$c\"\n"
        + (scrubLength > 0
            ? clone.client(MASTER_FILE)
                + " "
                + shellQuote(snapshot)
                + " < \"$d/"
                + SCRUB_FILE
                + "\" || exit $?\n"
            : "")
        + "printf '%s' "
        + shellQuote(complete)
        + " | "
        + query()
        + "\n";
  }

  /**
   * Prints {@code complete|partial <tab> name <tab> taken_at <tab> size} for each snapshot of
   * {@code master} whose database exists, newest first; nothing when there is no catalog (or the
   * user may not see it).
   */
  String list(String master, int optionFileLength) {
    SafeNames.requireDatabase(master);
    String catalogExists =
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
            + PreviewNames.SNAPSHOT_CATALOG
            + "' AND TABLE_NAME = 'snapshots'";
    String list =
        "SELECT IF(s.complete = 1, 'complete', 'partial'), s.name, s.taken_at, s.size_bytes FROM "
            + CATALOG
            + " s JOIN information_schema.SCHEMATA d ON d.SCHEMA_NAME = s.name"
            + " WHERE s.master = '"
            + master
            + "' ORDER BY s.taken_at DESC, s.name DESC";
    return CloneScripts.prelude(List.of(new Upload(MASTER_FILE, optionFileLength)))
        + "n=$("
        + query()
        + " -e "
        + shellQuote(catalogExists)
        + ") || exit $?\n"
        + "[ \"$n\" = 1 ] || exit 0\n"
        + query()
        + " -e "
        + shellQuote(list)
        + "\n";
  }

  /** Drops the snapshot databases and their catalog rows. */
  String drop(List<String> snapshots, int optionFileLength) {
    StringBuilder sql = new StringBuilder();
    for (String snapshot : snapshots) {
      if (!SafeNames.requireDatabase(snapshot).startsWith("fps_")) {
        throw new SafeNames.InvalidNameException("a snapshot database", snapshot);
      }
      sql.append("DROP DATABASE IF EXISTS `")
          .append(snapshot)
          .append("`;\nDELETE FROM ")
          .append(CATALOG)
          .append(" WHERE name = '")
          .append(snapshot)
          .append("';\n");
    }
    return CloneScripts.prelude(List.of(new Upload(MASTER_FILE, optionFileLength)))
        + "printf '%s' "
        + shellQuote(sql.toString())
        + " | "
        + query()
        + "\n";
  }

  private String query() {
    return clone.client(MASTER_FILE) + " --skip-column-names";
  }
}
