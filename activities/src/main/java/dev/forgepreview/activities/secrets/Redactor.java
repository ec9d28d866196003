package dev.forgepreview.activities.secrets;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Masks what looks like a credential in text that comes from outside (a deployment log, stderr of a
 * remote command) before it goes into a failure message, and from there into workflow history and
 * the public PR comment.
 */
public final class Redactor {
  private static final String MASK = "***";
  private static final Pattern URL_CREDENTIALS =
      Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)[^/\\s@]+@");
  private static final Pattern KEY_VALUE =
      Pattern.compile(
          "(?i)\\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PWD|KEY|CREDENTIALS?)[A-Z0-9_]*)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|\\S+)");
  private static final Pattern LONG_TOKEN = Pattern.compile("\\b[A-Za-z0-9_\\-]{32,}\\b");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private Redactor() {}

  public static String redact(String text) {
    return redact(text, Set.of());
  }

  /**
   * As {@link #redact(String)}, but the commit hashes in {@code commits} (the ones the workflow
   * deployed, 40 hex digits) stay readable; every other long token is still masked.
   */
  public static String redact(String text, Collection<String> commits) {
    if (text == null) {
      return null;
    }
    Set<String> keep = new HashSet<>();
    for (String commit : commits) {
      if (commit != null && COMMIT.matcher(commit).matches()) {
        keep.add(commit);
      }
    }
    String out = URL_CREDENTIALS.matcher(text).replaceAll("$1" + MASK + "@");
    out = KEY_VALUE.matcher(out).replaceAll("$1$2" + MASK);
    return LONG_TOKEN.matcher(out).replaceAll(m -> keep.contains(m.group()) ? m.group() : MASK);
  }
}
