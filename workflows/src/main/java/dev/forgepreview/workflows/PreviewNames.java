package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only derivation of the names a preview's resources get on Forge, from the configured
 * templates. Pure functions: a preview derives its names once ({@link #of}) and carries them; the
 * cleanup and the collision check derive the same names to recognise them. Placeholders: {@code
 * {number}}, {@code {project}}, {@code {domain}}.
 *
 * <p>Naming schemes: {@link #LEGACY} named a dedicated server {@code pr-{number}-{project}}, which
 * two repositories with the same name under different owners shared; {@link #OWNER_HASH} appends
 * six hex digits of a stable hash of {@code owner/repo}. The other names are the same in both.
 */
public final class PreviewNames {
  /** The first release's naming; previews started before the owner hash keep it. */
  public static final int LEGACY = 0;

  /** Dedicated servers carry a hash of {@code owner/repo}: unique across repositories. */
  public static final int OWNER_HASH = 1;

  private static final int DNS_LABEL_MAX = 63;
  private static final int DATABASE_NAME_MAX = 63;
  private static final int MYSQL_USER_MAX = 32;
  private static final int UNIX_USER_MAX = 32;
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private PreviewNames() {}

  /** Every name of pull request {@code number}'s preview under the given scheme. */
  public static PreviewResourceNames of(PreviewSettings settings, int number, int scheme) {
    return new PreviewResourceNames(
        scheme,
        settings.mode() == Mode.DEDICATED ? serverName(settings, number, scheme) : null,
        siteDomain(settings, number),
        siteUser(settings, number),
        databaseName(settings, number),
        databaseUser(settings, number),
        redisDatabase(settings, number));
  }

  /**
   * The dedicated server's name: one DNS label, {@code pr-{number}-{project}}, and under {@link
   * #OWNER_HASH} a hyphen and {@link #ownerHash} after it.
   */
  public static String serverName(PreviewSettings settings, int number, int scheme) {
    String label = dnsLabel("pr-" + number + "-" + settings.project());
    if (scheme == LEGACY) {
      return label;
    }
    String hash = ownerHash(settings.repository());
    return trimHyphen(truncate(label, DNS_LABEL_MAX - hash.length() - 1)) + "-" + hash;
  }

  /**
   * Six hex digits of the 32-bit FNV-1a hash of the lower-cased {@code owner/repo}: stable across
   * JVMs and releases (never {@code String.hashCode}-dependent), and short enough for a DNS label.
   */
  public static String ownerHash(String repository) {
    int hash = 0x811c9dc5;
    for (char c : repository.toLowerCase(Locale.ROOT).toCharArray()) {
      hash ^= c;
      hash *= 0x01000193;
    }
    return String.format("%06x", hash & 0xffffff);
  }

  /** The site's domain: the site template with each label sanitised to DNS label rules. */
  public static String siteDomain(PreviewSettings settings, int number) {
    StringBuilder domain = new StringBuilder();
    for (String label : fill(settings.siteTemplate(), settings, number).split("\\.")) {
      String clean = dnsLabel(label);
      if (!clean.isEmpty()) {
        domain.append(domain.length() > 0 ? "." : "").append(clean);
      }
    }
    if (domain.length() == 0) {
      throw new IllegalArgumentException("the site template gives an empty domain");
    }
    return domain.toString();
  }

  /** The database: the database template reduced to {@code [a-z0-9_]}, at most 63 characters. */
  public static String databaseName(PreviewSettings settings, int number) {
    String name =
        fill(settings.databaseTemplate(), settings, number)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]+", "_")
            .replaceAll("_+", "_")
            .replaceAll("^_|_$", "");
    return truncate(name.isEmpty() ? "pr_" + number : name, DATABASE_NAME_MAX);
  }

  /** The database user: the database name, cut to MySQL's 32 characters. */
  public static String databaseUser(PreviewSettings settings, int number) {
    return truncate(databaseName(settings, number), MYSQL_USER_MAX);
  }

  /** The isolated site's Unix user: {@code pr{number}-{project}}, {@code [a-z0-9-]}, 32 at most. */
  public static String siteUser(PreviewSettings settings, int number) {
    String user =
        ("pr" + number + "-" + settings.project())
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-+", "-");
    return trimHyphen(truncate(user, UNIX_USER_MAX));
  }

  /** The Redis database the preview uses: 1..n-1, so database 0 stays the shared default. */
  public static int redisDatabase(PreviewSettings settings, int number) {
    int count = Math.max(2, settings.redisDatabases());
    return 1 + (number % (count - 1));
  }

  /**
   * The pull request whose preview, under this repository's templates and either scheme, would name
   * a resource of this kind ({@code server}, {@code site}, {@code database}) exactly so; null when
   * none would. The template is parsed back by trying each run of digits in the name as the number,
   * so a custom template is recognised as well as the default one.
   */
  public static Integer ownerNumber(PreviewSettings settings, String kind, String name) {
    Matcher digits = DIGITS.matcher(name);
    while (digits.find()) {
      String run = digits.group();
      if (run.length() > 9) {
        continue;
      }
      int number = Integer.parseInt(run);
      if (number > 0 && derives(settings, kind, name, number)) {
        return number;
      }
    }
    return null;
  }

  private static boolean derives(PreviewSettings settings, String kind, String name, int number) {
    return switch (kind) {
      case "server" ->
          settings.mode() == Mode.DEDICATED
              && (name.equals(serverName(settings, number, LEGACY))
                  || name.equals(serverName(settings, number, OWNER_HASH)));
      case "site" -> name.equals(siteDomain(settings, number));
      case "database" -> name.equals(databaseName(settings, number));
      default -> false;
    };
  }

  /** The database on the master's server that lists every snapshot ({@link #snapshotDatabase}). */
  public static final String SNAPSHOT_CATALOG = "forge_preview_snapshots";

  private static final String SNAPSHOT_PREFIX = "fps_";

  /**
   * The snapshot database of {@code masterDatabase} taken at {@code takenAtMillis}: {@code
   * fps_{yyyyMMdd_HHmmss}_{master}} in UTC, the master's name cut to fit 63 characters. The time
   * comes from the workflow, so a retried refresh writes the same database again.
   */
  public static String snapshotDatabase(String masterDatabase, long takenAtMillis) {
    java.time.LocalDateTime at =
        java.time.LocalDateTime.ofEpochSecond(
            Math.floorDiv(takenAtMillis, 1000L), 0, java.time.ZoneOffset.UTC);
    String stamp =
        String.format(
            Locale.ROOT,
            "%04d%02d%02d_%02d%02d%02d",
            at.getYear(),
            at.getMonthValue(),
            at.getDayOfMonth(),
            at.getHour(),
            at.getMinute(),
            at.getSecond());
    String master = masterDatabase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return truncate(SNAPSHOT_PREFIX + stamp + "_" + master, DATABASE_NAME_MAX);
  }

  private static String fill(String template, PreviewSettings settings, int number) {
    return template
        .replace("{number}", Integer.toString(number))
        .replace("{project}", settings.project())
        .replace("{domain}", settings.domain());
  }

  /** Lower case, {@code [a-z0-9-]}, no leading or trailing hyphen, at most 63 characters. */
  static String dnsLabel(String raw) {
    String label =
        raw.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-+", "-")
            .replaceAll("^-", "");
    return trimHyphen(truncate(label, DNS_LABEL_MAX));
  }

  private static String trimHyphen(String value) {
    return value.endsWith("-") ? value.substring(0, value.length() - 1) : value;
  }

  private static String truncate(String value, int max) {
    return value.substring(0, Math.min(max, value.length()));
  }
}
