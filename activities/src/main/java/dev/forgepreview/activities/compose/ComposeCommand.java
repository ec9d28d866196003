package dev.forgepreview.activities.compose;

import dev.forgepreview.activities.ssh.SafeNames;

/**
 * Which compose the host runs: the {@code docker compose} plugin (v2), the {@code docker-compose}
 * program (v1), or whichever the host has ({@code auto}: v2 when {@code docker compose version}
 * answers). Both take the same arguments for everything we run.
 */
enum ComposeCommand {
  AUTO,
  V2,
  V1;

  static ComposeCommand parse(String configured) {
    if (configured == null || configured.isBlank() || configured.equals("auto")) {
      return AUTO;
    }
    return switch (configured.strip()) {
      case "docker compose" -> V2;
      case "docker-compose" -> V1;
      default -> throw SafeNames.invalidName("compose command", configured);
    };
  }

  /**
   * Defines the shell function {@code compose} (and {@code compose_v}, 1 or 2) running this compose
   * with the function's arguments.
   */
  String shellFunction() {
    return switch (this) {
      case V2 -> "compose() { docker compose \"$@\"; }\ncompose_v=2\n";
      case V1 -> "compose() { docker-compose \"$@\"; }\ncompose_v=1\n";
      case AUTO ->
          "if docker compose version >/dev/null 2>&1; then\n"
              + "  compose() { docker compose \"$@\"; }; compose_v=2\n"
              + "elif command -v docker-compose >/dev/null 2>&1; then\n"
              + "  compose() { docker-compose \"$@\"; }; compose_v=1\n"
              + "else\n"
              + "  echo 'neither docker compose nor docker-compose is installed' >&2; exit 6\n"
              + "fi\n";
    };
  }

  /**
   * Build and start. v1's classic builder leaves the containers of a failed build step behind
   * unless told not to, so v1 builds with {@code --force-rm} first; v2 (BuildKit) leaves none.
   *
   * @param compose the compose command with its project and file options
   */
  String buildAndUp(String compose) {
    String v2 = compose + " up -d --build --remove-orphans";
    String v1 = compose + " build --force-rm && " + compose + " up -d --remove-orphans";
    return switch (this) {
      case V2 -> v2;
      case V1 -> v1;
      case AUTO -> "if [ \"$compose_v\" = 2 ]; then " + v2 + "; else " + v1 + "; fi";
    };
  }
}
