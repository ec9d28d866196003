package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.forge.Forge.Certificate;
import dev.forgepreview.activities.forge.Forge.Credential;
import dev.forgepreview.activities.forge.Forge.NewCertificate;
import dev.forgepreview.activities.forge.Forge.NewSecurityRule;
import dev.forgepreview.activities.forge.Forge.SecurityRule;
import dev.forgepreview.activities.forge.Forge.Site;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.BasicAuthCredentials.Credentials;
import dev.forgepreview.activities.secrets.WildcardCertificates;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SiteAccessActivities} over the {@link ForgeClient}: the site's security rule is created
 * with credentials worked out here ({@link BasicAuthCredentials}), so the password travels only
 * towards Forge. A rule that already carries the name is adopted (a retried create never makes a
 * second one).
 */
public final class SiteAccessActivitiesImpl implements SiteAccessActivities {
  private static final Logger log = LoggerFactory.getLogger(SiteAccessActivitiesImpl.class);
  private static final String EXISTING = "existing";

  private final ForgeClient client;
  private final BasicAuthCredentials credentials;
  private final WildcardCertificates certificates;

  /** Without wildcard certificates: {@link #installCertificate} fails {@code INVALID_INPUT}. */
  public SiteAccessActivitiesImpl(ForgeClient client, BasicAuthCredentials credentials) {
    this(client, credentials, new WildcardCertificates(repository -> Optional.empty(), n -> null));
  }

  public SiteAccessActivitiesImpl(
      ForgeClient client, BasicAuthCredentials credentials, WildcardCertificates certificates) {
    this.client = Objects.requireNonNull(client, "client");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.certificates = Objects.requireNonNull(certificates, "certificates");
  }

  /**
   * Adopts an existing certificate already on the site, else posts the PEM pair; then activates it
   * once installed and waits (by failing {@code NOT_READY}) until it is active.
   */
  @Override
  public long installCertificate(InstallCertificateRequest request) {
    String repository = required(request.repository(), "repository");
    String domain = required(request.domain(), "domain");
    long serverId = request.serverId();
    long siteId = request.siteId();
    return forge(
        () -> {
          Optional<Certificate> existing =
              client.listCertificates(serverId, siteId).stream()
                  .filter(c -> EXISTING.equals(c.type()))
                  .max((a, b) -> Long.compare(a.id(), b.id()));
          Certificate certificate;
          if (existing.isPresent()) {
            certificate = existing.get();
          } else {
            WildcardCertificates.Pem pem;
            try {
              pem = certificates.of(repository);
            } catch (WildcardCertificates.UnavailableException e) {
              throw ActivityFailures.of(FailureType.INVALID_INPUT, e.getMessage());
            }
            certificate =
                client.createCertificate(
                    serverId, siteId, new NewCertificate(EXISTING, pem.key(), pem.certificate()));
            log.info(
                "[{}] installing the wildcard certificate on {} as certificate {}",
                request.requestId(),
                domain,
                certificate.id());
          }
          if (certificate.active()) {
            return certificate.id();
          }
          if (ForgeActivitiesImpl.INSTALLED.equals(certificate.status())
              && certificate.activationStatus() == null) {
            client.activateCertificate(serverId, siteId, certificate.id());
            log.info("[{}] activating certificate {}", request.requestId(), certificate.id());
          }
          throw ActivityFailures.notReady(
              "certificate "
                  + certificate.id()
                  + " is "
                  + certificate.status()
                  + "/"
                  + certificate.activationStatus());
        });
  }

  @Override
  public long protectSite(ProtectSiteRequest request) {
    String name = required(request.ruleName(), "ruleName");
    String repository = required(request.repository(), "repository");
    String previewId = required(request.previewId(), "previewId");
    Credentials user;
    try {
      user =
          credentials
              .of(repository, previewId)
              .orElseThrow(
                  () ->
                      ActivityFailures.of(
                          FailureType.INVALID_INPUT,
                          repository + " has no basicAuth in the repositories file any more"));
    } catch (BasicAuthCredentials.UnavailableException e) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, e.getMessage());
    }
    long serverId = request.serverId();
    long siteId = request.siteId();
    return forge(
        () -> {
          Optional<SecurityRule> existing = client.findSecurityRuleByName(serverId, siteId, name);
          SecurityRule rule;
          if (existing.isPresent()) {
            rule = existing.get();
            log.info("[{}] adopting security rule {} ({})", request.requestId(), name, rule.id());
          } else {
            rule =
                client.createSecurityRule(
                    serverId,
                    siteId,
                    new NewSecurityRule(
                        name, null, List.of(new Credential(user.username(), user.password()))));
            log.info(
                "[{}] created security rule {} ({}) on site {} for user {}",
                request.requestId(),
                name,
                rule.id(),
                siteId,
                user.username());
          }
          if (rule.status() != null && !ForgeActivitiesImpl.INSTALLED.equals(rule.status())) {
            throw ActivityFailures.notReady("security rule " + rule.id() + " is " + rule.status());
          }
          return rule.id();
        });
  }

  @Override
  public void unprotectSite(UnprotectSiteRequest request) {
    String name = required(request.ruleName(), "ruleName");
    String domain = required(request.domain(), "domain");
    long serverId = request.serverId();
    forge(
        () -> {
          try {
            Optional<Site> site =
                client
                    .findSiteByDomain(serverId, domain)
                    .filter(s -> !"removing".equals(s.status()));
            if (site.isEmpty()) {
              log.info(
                  "[{}] site {} does not exist: no security rule to delete",
                  request.requestId(),
                  domain);
              return null;
            }
            long siteId = site.get().id();
            Optional<SecurityRule> rule = client.findSecurityRuleByName(serverId, siteId, name);
            if (rule.isEmpty()) {
              log.info("[{}] site {} has no security rule {}", request.requestId(), domain, name);
              return null;
            }
            client.deleteSecurityRule(serverId, siteId, rule.get().id());
            log.info(
                "[{}] deleted security rule {} ({}) of site {}",
                request.requestId(),
                name,
                rule.get().id(),
                domain);
          } catch (ForgeNotFoundException e) {
            log.info(
                "[{}] security rule {} of {} is already gone", request.requestId(), name, domain);
          }
          return null;
        });
  }

  private static <T> T forge(java.util.function.Supplier<T> calls) {
    try {
      return calls.get();
    } catch (ForgeException e) {
      throw ForgeFailures.of(e);
    }
  }

  private static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ActivityFailures.of(FailureType.INVALID_INPUT, name + " is missing");
    }
    return value;
  }
}
