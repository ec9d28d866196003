package dev.forgepreview.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Who may reach a preview and how: Forge site security rules (HTTP basic auth in front of the whole
 * site) and the site's existing (wildcard) certificate. Runs on the {@code forge-api} task queue.
 * The password never travels through the workflow: the activity reads the repository's {@code
 * basicAuth} from the worker's current settings and either resolves its {@code ${env:NAME}} or
 * derives a password per preview from {@code previewId}. Idempotent like {@link ForgeActivities}: a
 * rule with the same name is adopted, a delete of a rule that is gone succeeds.
 */
@ActivityInterface
public interface SiteAccessActivities {

  /** The name of the security rule a preview's site gets. */
  String RULE_NAME = "forge-preview";

  /** Creates (or adopts) the security rule {@code ruleName} and returns its id. */
  @ActivityMethod
  long protectSite(ProtectSiteRequest request);

  /** Deletes the security rule {@code ruleName} of the site, found by name. */
  @ActivityMethod
  void unprotectSite(UnprotectSiteRequest request);

  /**
   * Installs the repository's existing (wildcard) certificate on the site ({@code POST
   * …/certificates} with {@code type: existing}, then {@code …/activate}) and returns its id once
   * it is active; fails {@code NOT_READY} while Forge installs or activates it. The key and the
   * certificate are read inside the activity from the files or {@code ${env:NAME}} that the
   * repository's {@code wildcardCertificate} names. An existing certificate already on the site is
   * adopted.
   */
  @ActivityMethod
  long installCertificate(InstallCertificateRequest request);

  record InstallCertificateRequest(
      String requestId, long serverId, long siteId, String domain, String repository) {}

  /**
   * {@code repository} is {@code owner/repo}; its {@code basicAuth} in the worker's settings names
   * the user and the password source.
   */
  record ProtectSiteRequest(
      String requestId,
      long serverId,
      long siteId,
      String ruleName,
      String repository,
      String previewId) {}

  /** The site is found by its domain: a compensation may not know its id. */
  record UnprotectSiteRequest(String requestId, long serverId, String domain, String ruleName) {}
}
