package dev.forgepreview.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forgepreview.workflows.PreviewSettings.Backend;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.PreviewSettings.QueueWorker;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import java.util.List;
import java.util.Map;

/** Settings of the repository {@code acme/shop} as the tests use them. */
final class TestSettings {
  static final String PLANTED_VALUE = "log-planted-by-the-test";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestSettings() {}

  static PreviewSettings dedicated() {
    return settings(Mode.DEDICATED, null, 3);
  }

  static PreviewSettings shared(long serverId) {
    return settings(Mode.SHARED, serverId, 3);
  }

  /** {@code acme/shop} on the compose backend, host-based routing on port 8080. */
  static PreviewSettings compose() {
    PreviewSettings base = settings(Mode.DEDICATED, null, 3);
    PreviewSettings forge =
        new PreviewSettings(
            base.repository(),
            base.mode(),
            null,
            null,
            base.domain(),
            base.project(),
            base.siteTemplate(),
            base.databaseTemplate(),
            null,
            null,
            false,
            null,
            Map.of("MAIL_MAILER", "log"),
            null,
            false,
            "P7D",
            Trigger.AUTO,
            10,
            16,
            3,
            Timeouts.defaults(),
            null);
    return with(
        with(forge, "backend", Backend.COMPOSE),
        "compose",
        new ComposeHost(
            "preview-host.acme.internal",
            22,
            "deploy",
            "/srv/previews",
            null,
            "auto",
            Routing.HOST,
            List.of("nginx"),
            "/etc/nginx/previews",
            null,
            8080,
            20000,
            1000,
            "512m",
            "1.0",
            null,
            null,
            "/",
            "PT30M",
            "PT5M"));
  }

  /**
   * {@code s} with one record component replaced, by its name: a copy that stays right when the
   * settings gain keys (through JSON, as the workflow's history holds them).
   */
  static PreviewSettings with(PreviewSettings s, String component, Object value) {
    ObjectNode tree = JSON.valueToTree(s);
    if (!tree.has(component)) {
      throw new IllegalArgumentException("PreviewSettings has no component " + component);
    }
    tree.set(component, JSON.valueToTree(value));
    try {
      return JSON.treeToValue(tree, PreviewSettings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static PreviewSettings settings(Mode mode, Long serverId, int continueAsNewAfter) {
    return new PreviewSettings(
        "acme/shop",
        mode,
        serverId,
        new ServerSpec("ocean2", 1L, "ams2", "01", "php83", "mysql8"),
        "preview.acme.dev",
        "shop",
        "pr-{number}-{project}.{domain}",
        "pr_{number}",
        "php83",
        "github",
        true,
        new MasterDatabase("db.acme.internal", 22, "forge", "shop"),
        // A configured value, as a worker before keys-only settings answered: never carried on.
        Map.of("MAIL_MAILER", PLANTED_VALUE),
        new QueueWorker("redis", "default", 1, 60),
        true,
        "P7D",
        Trigger.AUTO,
        10,
        16,
        continueAsNewAfter,
        Timeouts.defaults(),
        null);
  }

  static PreviewSettings withTimeouts(PreviewSettings s, Timeouts timeouts) {
    return with(s, "timeouts", timeouts);
  }

  /** {@code s} with a notification configured, as the worker's settings activity answers. */
  static PreviewSettings withNotifications(PreviewSettings s, PreviewSettings.Notifications n) {
    return with(s, "notifications", n);
  }

  /** {@code s} with the cap and the admission settings given. */
  static PreviewSettings withAdmission(
      PreviewSettings s, int cap, PreviewSettings.AdmissionSettings admission) {
    return with(with(s, "maxConcurrentPreviews", cap), "admission", admission);
  }

  /** {@code s} with {@code snapshot:} set. */
  static PreviewSettings withSnapshot(PreviewSettings s, PreviewSettings.Snapshot snapshot) {
    return with(s, "snapshot", snapshot);
  }

  /** The settings with basic auth in front of every preview (a password derived per preview). */
  /** The settings reading {@code .forge-preview.yml} with the parts given allowed. */
  static PreviewSettings withPreviewFile(
      PreviewSettings s, PreviewSettings.PreviewFilePart... allow) {
    return with(
        s, "previewFile", new PreviewSettings.PreviewFile(".forge-preview.yml", List.of(allow)));
  }

  static PreviewSettings withBasicAuth(PreviewSettings s, String username) {
    return with(s, "basicAuth", new PreviewSettings.BasicAuth(username, null));
  }

  /** The settings with {@code certificate: wildcard}. */
  static PreviewSettings withWildcardCertificate(PreviewSettings s) {
    return with(
        with(s, "certificate", PreviewSettings.CertificateMode.WILDCARD),
        "wildcardCertificate",
        new PreviewSettings.WildcardCertificate("/etc/wildcard.crt", "${env:WILDCARD_KEY}"));
  }

  static PreviewRequest request(int number, String branch, String sha) {
    return new PreviewRequest("acme", "shop", number, branch, sha, "octocat", null);
  }
}
