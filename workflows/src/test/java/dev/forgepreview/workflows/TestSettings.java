package dev.forgepreview.workflows;

import dev.forgepreview.workflows.PreviewSettings.MasterDatabase;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.PreviewSettings.QueueWorker;
import dev.forgepreview.workflows.PreviewSettings.ServerSpec;
import dev.forgepreview.workflows.PreviewSettings.Timeouts;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import java.util.Map;

/** Settings of the repository {@code acme/shop} as the tests use them. */
final class TestSettings {
  static final String PLANTED_VALUE = "log-planted-by-the-test";

  private TestSettings() {}

  static PreviewSettings dedicated() {
    return settings(Mode.DEDICATED, null, 3);
  }

  static PreviewSettings shared(long serverId) {
    return settings(Mode.SHARED, serverId, 3);
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
    return new PreviewSettings(
        s.repository(),
        s.mode(),
        s.sharedServerId(),
        s.server(),
        s.domain(),
        s.project(),
        s.siteTemplate(),
        s.databaseTemplate(),
        s.phpVersion(),
        s.repositoryProvider(),
        s.composer(),
        s.masterDatabase(),
        s.environment(),
        s.queueWorker(),
        s.certificate(),
        s.ttl(),
        s.trigger(),
        s.maxConcurrentPreviews(),
        s.redisDatabases(),
        s.continueAsNewAfterDeployments(),
        timeouts,
        s.deployScript());
  }

  /** The settings with basic auth in front of every preview (a password derived per preview). */
  static PreviewSettings withBasicAuth(PreviewSettings s, String username) {
    return new PreviewSettings(
        s.repository(),
        s.mode(),
        s.sharedServerId(),
        s.server(),
        s.domain(),
        s.project(),
        s.siteTemplate(),
        s.databaseTemplate(),
        s.phpVersion(),
        s.repositoryProvider(),
        s.composer(),
        s.masterDatabase(),
        s.environment(),
        s.queueWorker(),
        s.certificate(),
        s.ttl(),
        s.trigger(),
        s.maxConcurrentPreviews(),
        s.redisDatabases(),
        s.continueAsNewAfterDeployments(),
        s.timeouts(),
        s.deployScript(),
        new PreviewSettings.BasicAuth(username, null),
        s.wildcardCertificate());
  }

  /** The settings with {@code certificate: wildcard}. */
  static PreviewSettings withWildcardCertificate(PreviewSettings s) {
    return new PreviewSettings(
        s.repository(),
        s.mode(),
        s.sharedServerId(),
        s.server(),
        s.domain(),
        s.project(),
        s.siteTemplate(),
        s.databaseTemplate(),
        s.phpVersion(),
        s.repositoryProvider(),
        s.composer(),
        s.masterDatabase(),
        s.environment(),
        s.queueWorker(),
        PreviewSettings.CertificateMode.WILDCARD,
        s.ttl(),
        s.trigger(),
        s.maxConcurrentPreviews(),
        s.redisDatabases(),
        s.continueAsNewAfterDeployments(),
        s.timeouts(),
        s.deployScript(),
        s.basicAuth(),
        new PreviewSettings.WildcardCertificate("/etc/wildcard.crt", "${env:WILDCARD_KEY}"));
  }

  static PreviewRequest request(int number, String branch, String sha) {
    return new PreviewRequest("acme", "shop", number, branch, sha, "octocat", null);
  }
}
