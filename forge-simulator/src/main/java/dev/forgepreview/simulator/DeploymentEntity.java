package dev.forgepreview.simulator;

import java.time.Instant;

/** One deployment: queued until {@code startsAt}, deploying until {@code endsAt}. */
final class DeploymentEntity {
  long id;
  long serverId;
  long siteId;
  String branch;
  String commitHash;
  Instant requestedAt;
  Instant startsAt;
  Instant endsAt;
  boolean fails;
  boolean timesOut;
}
