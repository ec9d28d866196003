package dev.forgepreview.simulator;

import java.time.Instant;

/**
 * A Let's Encrypt certificate: installing until {@code installedAt}, activating until {@code
 * activatedAt}; a failing one vanishes at {@code installedAt}.
 */
final class CertificateEntity {
  long id;
  long serverId;
  long siteId;
  String domain;
  Instant createdAt;
  Instant installedAt;
  Instant activatedAt;
  boolean fails;
}
