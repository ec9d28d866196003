package dev.forgepreview.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Who may reach a preview: Forge site security rules (HTTP basic auth in front of the whole site).
 * Runs on the {@code forge-api} task queue. The password never travels through the workflow: the
 * activity reads the repository's {@code basicAuth} from the worker's current settings and either
 * resolves its {@code ${env:NAME}} or derives a password per preview from {@code previewId}.
 * Idempotent like {@link ForgeActivities}: a rule with the same name is adopted, a delete of a rule
 * that is gone succeeds.
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
