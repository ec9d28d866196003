package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;

/**
 * The names and the port a compose preview gets on its host. Pure functions, so every retry, replay
 * and the cleanup compute the same ones. The {@value #PROJECT_PREFIX} prefix marks a compose
 * project (and its nginx file) as ours.
 */
public final class ComposeNames {
  /** Every compose project of ours starts with it; the cleanup finds them by it. */
  public static final String PROJECT_PREFIX = "fp-";

  private ComposeNames() {}

  /** {@code fp-{project}-pr{number}}: one DNS label, unique per repository (project) and PR. */
  public static String project(PreviewSettings settings, int number) {
    String suffix = "-pr" + number;
    String label = PreviewNames.dnsLabel(settings.project());
    int room = 63 - PROJECT_PREFIX.length() - suffix.length();
    if (label.length() > room) {
      label = label.substring(0, room).replaceAll("-$", "");
    }
    return PROJECT_PREFIX + label + suffix;
  }

  /** The app's port on the host: {@code portBase + number % portCount}. */
  public static int port(PreviewSettings settings, int number) {
    ComposeHost host = settings.compose();
    return host.portBase() + Math.floorMod(number, Math.max(1, host.portCount()));
  }

  /** The preview's address: its own host name, or a path on the configured domain. */
  public static String previewUrl(PreviewSettings settings, int number) {
    return previewUrl(settings, number, PreviewNames.siteDomain(settings, number));
  }

  /** As {@link #previewUrl(PreviewSettings, int)}, with the site domain the preview carries. */
  public static String previewUrl(PreviewSettings settings, int number, String siteDomain) {
    ComposeHost host = settings.compose();
    String scheme = host.tlsCertificate() == null ? "http" : "https";
    boolean defaultPort =
        host.listenPort() == 0
            || (scheme.equals("http") && host.listenPort() == 80)
            || (scheme.equals("https") && host.listenPort() == 443);
    String port = defaultPort ? "" : ":" + host.listenPort();
    if (host.routing() == Routing.PATH) {
      return scheme + "://" + settings.domain() + port + pathPrefix(number);
    }
    return scheme + "://" + siteDomain + port + "/";
  }

  /** The path prefix of path-based routing: {@code /pr-{number}/}. */
  public static String pathPrefix(int number) {
    return "/pr-" + number + "/";
  }
}
