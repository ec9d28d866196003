package dev.forgepreview.simulator;

import java.time.Instant;

/** A database on a server. */
final class DatabaseEntity {
  long id;
  long serverId;
  String name;
  Instant createdAt;
  Instant installedAt;
}
