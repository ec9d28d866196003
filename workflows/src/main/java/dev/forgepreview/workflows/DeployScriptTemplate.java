package dev.forgepreview.workflows;

import java.util.ArrayList;
import java.util.List;

/**
 * The repository's {@code deployScript}: the built-in default and what a configured template must
 * satisfy. The one owner of those rules; the settings loader checks a template with {@link
 * #problems} when the repositories file is read, the Forge activity renders it.
 */
public final class DeployScriptTemplate {

  /**
   * Fetches the branch (and the sha itself when the branch no longer contains it), hard-resets to
   * the sha, never {@code git pull}s: the deployed commit is exactly the approved one.
   */
  public static final String DEFAULT =
      """
      # forge-preview: deploys exactly {sha} of {branch}
      set -e
      cd {site_path}
      git fetch --quiet -- origin {branch} || true
      git cat-file -e {sha}^{commit} 2>/dev/null || git fetch --quiet -- origin {sha}
      git reset --hard {sha}
      ${FORGE_COMPOSER:-composer} install --no-dev --no-interaction --prefer-dist --optimize-autoloader
      {php} artisan migrate --force
      {php} artisan queue:restart
      """;

  /** The variables a template may use. */
  public static final List<String> VARIABLES = List.of("sha", "branch", "site_path", "php");

  private DeployScriptTemplate() {}

  /** What is wrong with a configured template (null: the default); empty when it can be used. */
  public static List<String> problems(String template) {
    List<String> problems = new ArrayList<>();
    if (template == null) {
      return problems;
    }
    if (template.isBlank()) {
      problems.add("is blank");
    }
    if (!template.contains("{sha}")) {
      problems.add("must use {sha}: it is how the approved commit is checked out");
    }
    if (template.indexOf('\0') >= 0) {
      problems.add("contains a NUL character");
    }
    return problems;
  }
}
