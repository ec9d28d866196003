package dev.forgepreview.workflows;

import java.util.Locale;

/**
 * The names a preview's resources get on Forge, from the configured templates. Pure functions, so
 * every retry, replay and the cleanup workflow compute the same names. Placeholders: {@code
 * {number}}, {@code {project}}, {@code {domain}}.
 */
public final class PreviewNames {
  private static final int DNS_LABEL_MAX = 63;
  private static final int DATABASE_NAME_MAX = 63;
  private static final int MYSQL_USER_MAX = 32;
  private static final int UNIX_USER_MAX = 32;

  private PreviewNames() {}

  /** Server name in dedicated mode: {@code pr-{number}-{project}}, one DNS label. */
  public static String serverName(PreviewSettings settings, int number) {
    return dnsLabel("pr-" + number + "-" + settings.project());
  }

  /** The site's domain: the site template with each label sanitised to DNS label rules. */
  public static String siteDomain(PreviewSettings settings, int number) {
    String raw = fill(settings.siteTemplate(), settings, number);
    String[] labels = raw.split("\\.");
    StringBuilder domain = new StringBuilder();
    for (String label : labels) {
      String clean = dnsLabel(label);
      if (clean.isEmpty()) {
        continue;
      }
      if (domain.length() > 0) {
        domain.append('.');
      }
      domain.append(clean);
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
    return truncate(user, UNIX_USER_MAX).replaceAll("-$", "");
  }

  /** The Redis database the preview uses: 1..n-1, so database 0 stays the shared default. */
  public static int redisDatabase(PreviewSettings settings, int number) {
    int count = Math.max(2, settings.redisDatabases());
    return 1 + (number % (count - 1));
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
            .replaceAll("^-|-$", "");
    return truncate(label, DNS_LABEL_MAX).replaceAll("-$", "");
  }

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }
}
