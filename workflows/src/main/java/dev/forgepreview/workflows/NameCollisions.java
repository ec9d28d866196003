package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the previews of the configured repositories could ever get the same name, checked on the
 * names {@link PreviewNames} derives (sanitised, truncated), not on the raw settings: {@code
 * my_shop} and {@code my-shop} become the same DNS label. Two previews sharing a name would adopt,
 * then delete, each other's resources. Pure and deterministic: the worker calls it when it loads
 * the repositories file.
 *
 * <p>A dedicated server's name and a site's domain must be unique across every repository (servers
 * live in one Forge account, domains in one DNS); on one shared server the database, its user and
 * the site's Unix user too. Server, site and database names are checked the way the cleanup
 * recognises them ({@link PreviewNames#ownerNumber}): no repository's template may parse back
 * another repository's name, whatever the numbers, so one repository's cleanup never claims
 * another's resource. Within a repository, two pull requests must get different names (a template
 * without {@code {number}} names every preview alike). The Redis database is not checked: previews
 * on one shared server share {@code redisDatabases} databases by design.
 */
public final class NameCollisions {
  /** Pull request numbers the names are derived at. */
  private static final int[] SAMPLES = {1, 42, 987};

  private NameCollisions() {}

  /** One collision: the repository whose settings to point at, and the sentence that says why. */
  public record Collision(String repository, String message) {}

  /** Every collision found; empty when the names are unique. */
  public static List<Collision> find(Collection<PreviewSettings> repositories) {
    List<Collision> problems = new ArrayList<>();
    Map<String, String> users = new LinkedHashMap<>();
    for (PreviewSettings mine : repositories) {
      PreviewResourceNames one = PreviewNames.of(mine, 1, PreviewNames.OWNER_HASH);
      PreviewResourceNames two = PreviewNames.of(mine, 2, PreviewNames.OWNER_HASH);
      if (one.siteDomain().equals(two.siteDomain())) {
        problems.add(
            collision(
                mine,
                mine.repository()
                    + ": every pull request would get the site "
                    + one.siteDomain()
                    + ": put {number} in siteTemplate"));
      }
      if (mine.mode() == Mode.SHARED && one.databaseUser().equals(two.databaseUser())) {
        problems.add(
            collision(
                mine,
                mine.repository()
                    + ": every pull request would get the database user "
                    + one.databaseUser()
                    + " (32 characters at most): put {number} early in databaseTemplate"));
      }
      for (int number : SAMPLES) {
        PreviewResourceNames names = PreviewNames.of(mine, number, PreviewNames.OWNER_HASH);
        for (PreviewSettings other : repositories) {
          if (other != mine) {
            parsedBack(problems, mine, number, other, "server", names.server());
            parsedBack(problems, mine, number, other, "site", names.siteDomain());
            if (sameSharedServer(mine, other)) {
              parsedBack(problems, mine, number, other, "database", names.database());
            }
          }
        }
        if (mine.mode() == Mode.SHARED) {
          String on = " on server " + mine.sharedServerId();
          claim(users, problems, mine, "database user " + names.databaseUser() + on);
          claim(users, problems, mine, "site user " + names.siteUser() + on);
        }
      }
    }
    return problems;
  }

  private static boolean sameSharedServer(PreviewSettings a, PreviewSettings b) {
    return a.mode() == Mode.SHARED
        && b.mode() == Mode.SHARED
        && Objects.equals(a.sharedServerId(), b.sharedServerId());
  }

  private static void parsedBack(
      List<Collision> problems,
      PreviewSettings mine,
      int number,
      PreviewSettings other,
      String kind,
      String name) {
    if (name == null) {
      return;
    }
    Integer theirs = PreviewNames.ownerNumber(other, kind, name);
    if (theirs != null) {
      problems.add(
          collision(
              mine,
              mine.repository()
                  + " #"
                  + number
                  + " and "
                  + other.repository()
                  + " #"
                  + theirs
                  + " would both get the "
                  + kind
                  + " "
                  + name
                  + ": set a different `project` or template on one of them"));
    }
  }

  private static void claim(
      Map<String, String> seen, List<Collision> problems, PreviewSettings mine, String what) {
    String other = seen.putIfAbsent(what, mine.repository());
    if (other != null && !other.equals(mine.repository())) {
      problems.add(
          collision(
              mine,
              other
                  + " and "
                  + mine.repository()
                  + " would both get the "
                  + what
                  + ": set a different `project` or databaseTemplate on one of them"));
    }
  }

  private static Collision collision(PreviewSettings mine, String message) {
    return new Collision(mine.repository(), message);
  }
}
