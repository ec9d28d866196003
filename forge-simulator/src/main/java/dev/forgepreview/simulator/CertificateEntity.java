package dev.forgepreview.simulator;

import java.time.Instant;

/**
 * A certificate: installing until {@code installedAt}, activating until {@code activatedAt}; a
 * failing one vanishes at {@code installedAt}. Let's Encrypt ones activate themselves; an {@code
 * existing} one has no {@code activatedAt} until it is activated.
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

  /** {@code letsencrypt}, or {@code existing} for an installed certificate and key. */
  String type = "letsencrypt";

  /** The PEM certificate of an {@code existing} one (never the key). */
  String certificatePem;
}
