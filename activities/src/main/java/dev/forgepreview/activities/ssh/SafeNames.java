package dev.forgepreview.activities.ssh;

import java.util.regex.Pattern;

/**
 * The strict patterns every name must match before it reaches a remote shell or an option file, and
 * the quoting applied to it anyway. A name that does not match is refused with {@link
 * InvalidNameException} before any connection is made.
 */
public final class SafeNames {
  private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final Pattern DB_USER = Pattern.compile("[A-Za-z0-9_]{1,80}");
  private static final Pattern SSH_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9_./+][A-Za-z0-9_./+-]{0,255}");
  private static final Pattern DUMP_OPTION =
      Pattern.compile("--[a-z][a-z0-9-]{0,63}(=[A-Za-z0-9_.,:/+-]{1,128})?");

  private SafeNames() {}

  /** A name that failed its pattern; the message shows it escaped, so it is safe to log. */
  public static final class InvalidNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidNameException(String what, String value) {
      super(what + " is not allowed: " + printable(value));
    }
  }

  /** The failure for a value that failed a pattern kept elsewhere (the compose backend's). */
  public static InvalidNameException invalidName(String what, String value) {
    return new InvalidNameException(what, value);
  }

  public static String requireDatabase(String name) {
    return require("database name", name, DATABASE);
  }

  public static String requireDbUser(String name) {
    return require("database user", name, DB_USER);
  }

  public static String requireSshUser(String name) {
    return require("SSH user", name, SSH_USER);
  }

  public static String requireHost(String host) {
    if (host != null && (HOSTNAME.matcher(host).matches() || isIpv6(host))) {
      return host;
    }
    throw new InvalidNameException("host", host);
  }

  public static String requireCommand(String command) {
    return require("command", command, COMMAND);
  }

  public static String requireDumpOption(String option) {
    return require("dump option", option, DUMP_OPTION);
  }

  public static int requirePort(int port) {
    if (port < 1 || port > 65535) {
      throw new InvalidNameException("port", Integer.toString(port));
    }
    return port;
  }

  public static int requireRedisDatabase(int database) {
    if (database < 0 || database > 9999) {
      throw new InvalidNameException("Redis database", Integer.toString(database));
    }
    return database;
  }

  /** POSIX shell single quoting: safe for any string without a NUL. */
  public static String shellQuote(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidNameException("a NUL character", value);
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * A MySQL option file value: double-quoted, with backslash, both quotes and control characters
   * escaped the way the option file reader ({@code my_default.c}) unescapes them.
   */
  public static String optionFileQuote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> quoted.append("\\\\");
        case '"' -> quoted.append("\\\"");
        case '\'' -> quoted.append("\\'");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        case '\b' -> quoted.append("\\b");
        case '\0' -> throw new InvalidNameException("a NUL character in an option value", "");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  private static boolean isIpv6(String host) {
    return host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
  }

  private static String require(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new InvalidNameException(what, value);
    }
    return value;
  }

  private static String printable(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    int shown = Math.min(value.length(), 80);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(value.length() > shown ? "...\"" : "\"").toString();
  }
}
