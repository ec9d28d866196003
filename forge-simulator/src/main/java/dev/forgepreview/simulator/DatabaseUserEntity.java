package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A database user on a server, with the ids of the databases it may use. */
final class DatabaseUserEntity {
  long id;
  long serverId;
  String name;
  List<Long> databases = new ArrayList<>();
  Instant createdAt;
  Instant installedAt;
}
