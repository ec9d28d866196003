package dev.forgepreview.activities.ssh;

import static dev.forgepreview.activities.ssh.SafeNames.shellQuote;

import dev.forgepreview.activities.ssh.CloneSettings.MysqlAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The POSIX shell scripts the clone runs remotely. Credentials never appear in them: each script
 * starts by copying a MySQL option file of a known length from its standard input into a private
 * temporary directory ({@code umask 077}, {@code mktemp -d}) that a trap removes on exit, and the
 * programs get {@code --defaults-extra-file}. The byte-exact {@code dd bs=1 count=N} leaves the
 * rest of standard input (the dump, for the loader) untouched. Every name is validated before and
 * shell-quoted here.
 */
final class CloneScripts {
  /** The exit status of the existence check when the master database does not exist. */
  static final int MISSING_DATABASE_EXIT = 66;

  static final String MASTER_FILE = "m.cnf";
  private static final String TARGET_FILE = "t.cnf";

  private final CloneSettings settings;

  CloneScripts(CloneSettings settings) {
    this.settings = settings;
  }

  /** A {@code [client]} option file with the credentials and address, quoted for the reader. */
  static byte[] optionFile(MysqlAddress address, DbCredentials credentials) {
    String text =
        "[client]\n"
            + "user="
            + SafeNames.optionFileQuote(credentials.user())
            + "\npassword="
            + SafeNames.optionFileQuote(credentials.password())
            + "\nhost="
            + SafeNames.optionFileQuote(address.host())
            + "\nport="
            + address.port()
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Exits 0 when the database exists, {@value #MISSING_DATABASE_EXIT} when it does not. */
  String masterCheck(String database, int optionFileLength) {
    return prelude(List.of(new Upload(MASTER_FILE, optionFileLength))) + existenceCheck(database);
  }

  /** Writes the dump of {@code database} to standard output. */
  String masterDump(String database, int optionFileLength) {
    return prelude(List.of(new Upload(MASTER_FILE, optionFileLength)))
        + dumpPipeline(database)
        + "s=$?\n"
        + "r=$(cat \"$d/dump.rc\" 2>/dev/null) || r=70\n"
        + "[ \"$r\" = 0 ] || exit \"$r\"\n"
        + "exit \"$s\"\n";
  }

  /**
   * Loads standard input (after the option file) into MySQL; the worker sends {@link
   * #resetSql(String)} first, then the dump.
   */
  String targetLoad(int optionFileLength) {
    return prelude(List.of(new Upload(TARGET_FILE, optionFileLength))) + client(TARGET_FILE) + "\n";
  }

  /**
   * Master and preview on the same machine: check, reset and {@code dump | mysql} in one command
   * that prints {@code bytes=N} at the end. Both option files are read from standard input, the
   * master's first.
   */
  String sameMachine(
      String masterDatabase, String targetDatabase, int masterLength, int targetLength) {
    return prelude(
            List.of(new Upload(MASTER_FILE, masterLength), new Upload(TARGET_FILE, targetLength)))
        + existenceCheck(masterDatabase)
        + "mkfifo \"$d/count\" || exit 70\n"
        + "wc -c < \"$d/count\" > \"$d/bytes\" &\n"
        + "{ printf '%s\\n' "
        + shellQuote(resetSql(targetDatabase))
        + "\n"
        + dumpPipeline(masterDatabase)
        + "} | tee \"$d/count\" | "
        + client(TARGET_FILE)
        + "\n"
        + "c=$?\n"
        + "wait\n"
        + "r=$(cat \"$d/dump.rc\" 2>/dev/null) || r=70\n"
        + "[ \"$c\" = 0 ] || exit \"$c\"\n"
        + "[ \"$r\" = 0 ] || exit \"$r\"\n"
        + "echo \"bytes=$(tr -d ' ' < \"$d/bytes\")\"\n";
  }

  /**
   * Empties the target by dropping and recreating the database with its previous character set and
   * collation, then selects it, so a retried clone always starts from nothing.
   */
  static String resetSql(String database) {
    SafeNames.requireDatabase(database);
    return "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME INTO @fp_cs, @fp_co"
        + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
        + database
        + "';\n"
        + "DROP DATABASE IF EXISTS `"
        + database
        + "`;\n"
        + "SET @fp_create = CONCAT('CREATE DATABASE `"
        + database
        + "`', IFNULL(CONCAT(' CHARACTER SET ', @fp_cs, ' COLLATE ', @fp_co), ''));\n"
        + "PREPARE fp_create FROM @fp_create;\n"
        + "EXECUTE fp_create;\n"
        + "DEALLOCATE PREPARE fp_create;\n"
        + "USE `"
        + database
        + "`;\n";
  }

  /** {@code redis-cli -n <db> FLUSHDB}. */
  String flushRedis(int database) {
    return shellQuote(settings.redisCliCommand())
        + " -n "
        + SafeNames.requireRedisDatabase(database)
        + " FLUSHDB\n";
  }

  record Upload(String file, int length) {}

  static String prelude(List<Upload> uploads) {
    StringBuilder script =
        new StringBuilder()
            .append("umask 077\n")
            .append("d=$(mktemp -d) || exit 70\n")
            .append("trap 'rm -rf \"$d\"' EXIT\n")
            .append("trap 'exit 129' HUP\n")
            .append("trap 'exit 130' INT\n")
            .append("trap 'exit 143' TERM\n");
    for (Upload upload : uploads) {
      script
          .append("dd bs=1 count=")
          .append(upload.length())
          .append(" of=\"$d/")
          .append(upload.file())
          .append("\" 2>/dev/null || exit 70\n");
    }
    return script.toString();
  }

  String existenceCheck(String database) {
    String sql =
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
            + SafeNames.requireDatabase(database)
            + "'";
    return "n=$("
        + shellQuote(settings.clientCommand())
        + " --defaults-extra-file=\"$d/"
        + MASTER_FILE
        + "\" --batch --skip-column-names -e "
        + shellQuote(sql)
        + ") || exit $?\n"
        + "[ \"$n\" = 1 ] || exit "
        + MISSING_DATABASE_EXIT
        + "\n";
  }

  /**
   * The dump, with {@code DEFINER=`user`@`host`} in view and trigger headers (lines starting with a
   * version comment, never row data) rewritten to {@code CURRENT_USER}, as the preview's user may
   * not create objects for another definer. The dump's status goes to {@code $d/dump.rc}.
   */
  String dumpPipeline(String database) {
    List<String> words = new ArrayList<>();
    words.add(shellQuote(settings.dumpCommand()));
    words.add("--defaults-extra-file=\"$d/" + MASTER_FILE + "\"");
    words.add("--single-transaction");
    words.add("--quick");
    words.add("--hex-blob");
    words.add("--no-tablespaces");
    words.add("--default-character-set=utf8mb4");
    settings.extraDumpOptions().forEach(option -> words.add(shellQuote(option)));
    words.add(shellQuote(SafeNames.requireDatabase(database)));
    return "{ "
        + String.join(" ", words)
        // In the C locale sed compares bytes: a UTF-8 locale (what a server's login sets) makes it
        // decode every line of the dump, which is most of the rewrite's cost. The pattern and the
        // backtick it stops at are ASCII, so the result is the same byte for byte.
        + "; echo $? > \"$d/dump.rc\"; } | LC_ALL=C sed -e "
        + shellQuote("/^\\/\\*!50/s/DEFINER=`[^`]*`@`[^`]*`/DEFINER=CURRENT_USER/")
        + "\n";
  }

  String client(String optionFile) {
    return shellQuote(settings.clientCommand())
        + " --defaults-extra-file=\"$d/"
        + optionFile
        + "\" --default-character-set=utf8mb4 --batch";
  }
}
