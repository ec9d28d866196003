package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.ssh.SafeNames;
import dev.forgepreview.workflows.DeployScriptTemplate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The site's deployment script, rendered from the repository's {@code deployScript} template (or
 * {@link DeployScriptTemplate#DEFAULT}). The variables {@code {sha}}, {@code {branch}}, {@code
 * {site_path}} and {@code {php}} are replaced in one pass by their values shell-quoted with {@link
 * SafeNames#shellQuote}, so a branch name can never run as a command; any other brace (a shell
 * {@code ${VAR}}, git's {@code ^{commit}}) is left alone.
 */
public final class DeployScript {

  private static final Pattern VARIABLE =
      Pattern.compile("\\{(" + String.join("|", DeployScriptTemplate.VARIABLES) + ")\\}");
  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");
  private static final Pattern COMMAND_CONTROL = Pattern.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f]");
  private static final int MAX_COMMAND = 1000;
  private static final Pattern PHP_VERSION = Pattern.compile("php(\\d)(\\d+)");

  private DeployScript() {}

  /**
   * The script for one deployment.
   *
   * @param template null for {@link DeployScriptTemplate#DEFAULT}
   * @throws IllegalArgumentException when the sha is not a commit sha, a value is missing or holds
   *     a control character, or the template is unusable
   */
  public static String render(
      String template, String sha, String branch, String sitePath, String php) {
    return render(template, sha, branch, sitePath, php, null);
  }

  /**
   * The script with the preview file's {@code deploy:} commands appended, one per line, after a
   * comment naming where they come from; they run like the template's own lines (with the default
   * template's {@code set -e}, the first failing one fails the deployment).
   *
   * @param extraCommands null or empty: none
   * @throws IllegalArgumentException also when a command is blank, holds a control character (it
   *     must stay one line) or is longer than 1000 characters
   */
  public static String render(
      String template,
      String sha,
      String branch,
      String sitePath,
      String php,
      List<String> extraCommands) {
    String script = renderTemplate(template, sha, branch, sitePath, php);
    if (extraCommands == null || extraCommands.isEmpty()) {
      return script;
    }
    StringBuilder appended = new StringBuilder(script);
    if (!script.endsWith("\n")) {
      appended.append('\n');
    }
    appended.append("# forge-preview: deploy commands of the repository's preview file\n");
    for (String command : extraCommands) {
      if (command == null
          || command.isBlank()
          || command.length() > MAX_COMMAND
          || hasControlCharacter(command)) {
        throw new IllegalArgumentException(
            "a deploy command of the preview file is blank, too long or not one line");
      }
      appended.append(command.strip()).append('\n');
    }
    return appended.toString();
  }

  /** Whether the text holds a line break or another control character (a tab is allowed). */
  public static boolean hasControlCharacter(String text) {
    return COMMAND_CONTROL.matcher(text).find();
  }

  private static String renderTemplate(
      String template, String sha, String branch, String sitePath, String php) {
    String chosen = template == null ? DeployScriptTemplate.DEFAULT : template;
    List<String> problems = DeployScriptTemplate.problems(chosen);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("deployScript " + String.join("; ", problems));
    }
    if (sha == null || !SHA.matcher(sha).matches()) {
      throw new IllegalArgumentException("the sha to deploy is not a commit sha");
    }
    Map<String, String> values =
        Map.of(
            "sha", sha,
            "branch", required(branch, "branch"),
            "site_path", required(sitePath, "site_path"),
            "php", required(php, "php"));
    Matcher matcher = VARIABLE.matcher(chosen);
    StringBuilder script = new StringBuilder(chosen.length() + 128);
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (CONTROL.matcher(value).find()) {
        // A line break would end a comment the value sits in, and the rest would run.
        throw new IllegalArgumentException(matcher.group(1) + " holds a control character");
      }
      String quoted = SafeNames.shellQuote(value);
      matcher.appendReplacement(script, Matcher.quoteReplacement(quoted));
    }
    matcher.appendTail(script);
    return script.toString();
  }

  /** The PHP command of a Forge PHP version: {@code php83} → {@code php8.3}; else {@code php}. */
  public static String phpCommand(String phpVersion) {
    if (phpVersion == null) {
      return "php";
    }
    Matcher m = PHP_VERSION.matcher(phpVersion);
    return m.matches() ? "php" + m.group(1) + "." + m.group(2) : "php";
  }

  /** Where Forge keeps a site: {@code /home/<user>/<domain>}. */
  public static String sitePath(String username, String domain) {
    return "/home/" + (username == null || username.isBlank() ? "forge" : username) + "/" + domain;
  }

  private static String required(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return value;
  }
}
