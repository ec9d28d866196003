package dev.forgepreview.activities.secrets;

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

  private Redactor() {}

  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_CREDENTIALS.matcher(text).replaceAll("$1" + MASK + "@");
    out = KEY_VALUE.matcher(out).replaceAll("$1$2" + MASK);
    return LONG_TOKEN.matcher(out).replaceAll(MASK);
  }
}
