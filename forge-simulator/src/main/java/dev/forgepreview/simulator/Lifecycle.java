package dev.forgepreview.simulator;

import java.time.Instant;

/**
 * Status values as functions of the deadlines fixed at creation and the current instant; nothing
 * runs in the background, every read computes the state anew.
 */
final class Lifecycle {

  static final String INSTALLING = "installing";
  static final String INSTALLED = "installed";
  static final String REMOVING = "removing";
  static final String QUEUED = "queued";
  static final String DEPLOYING = "deploying";
  static final String FINISHED = "finished";
  static final String FAILED = "failed";

  private Lifecycle() {}

  static boolean reached(Instant deadline, Instant now) {
    return deadline != null && !now.isBefore(deadline);
  }

  static boolean isReady(ServerEntity server, Instant now) {
    return reached(server.readyAt, now);
  }

  static String installStatus(Instant installedAt, Instant now) {
    return reached(installedAt, now) ? INSTALLED : INSTALLING;
  }

  static String siteStatus(SiteEntity site, Instant now) {
    return site.removing() ? REMOVING : installStatus(site.installedAt, now);
  }

  /** Null without a repository, then {@code installing}, then {@code installed}. */
  static String repositoryStatus(SiteEntity site, Instant now) {
    return site.repositoryInstalledAt == null
        ? null
        : installStatus(site.repositoryInstalledAt, now);
  }

  static boolean repositoryInstalled(SiteEntity site, Instant now) {
    return reached(site.repositoryInstalledAt, now);
  }

  /**
   * The history entry: {@code deploying} until it ends, then {@code finished} or {@code failed}.
   */
  static String deploymentStatus(DeploymentEntity deployment, Instant now) {
    if (!reached(deployment.endsAt, now)) {
      return DEPLOYING;
    }
    return deployment.fails || deployment.timesOut ? FAILED : FINISHED;
  }

  /** The site's {@code deployment_status}: {@code queued}, {@code deploying}, or null when idle. */
  static String siteDeploymentStatus(DeploymentEntity latest, Instant now) {
    if (latest == null || reached(latest.endsAt, now)) {
      return null;
    }
    return reached(latest.startsAt, now) ? DEPLOYING : QUEUED;
  }

  static boolean certificateGone(CertificateEntity certificate, Instant now) {
    return certificate.fails && reached(certificate.installedAt, now);
  }

  static String certificateStatus(CertificateEntity certificate, Instant now) {
    return installStatus(certificate.installedAt, now);
  }

  /** Null while installing, then {@code activating}, then {@code activated}. */
  static String certificateActivationStatus(CertificateEntity certificate, Instant now) {
    if (!reached(certificate.installedAt, now)) {
      return null;
    }
    if (certificate.activatedAt == null) {
      return null; // an existing certificate nobody activated yet
    }
    return reached(certificate.activatedAt, now) ? "activated" : "activating";
  }

  static boolean certificateActive(CertificateEntity certificate, Instant now) {
    return !certificate.fails && reached(certificate.activatedAt, now);
  }
}
