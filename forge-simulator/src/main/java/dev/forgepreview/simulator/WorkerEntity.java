package dev.forgepreview.simulator;

import java.time.Instant;

/** A queue worker of a site. */
final class WorkerEntity {
  long id;
  long serverId;
  long siteId;
  String connection;
  String command;
  String queue;
  int timeout;
  int sleep;
  Integer tries;
  int processes;
  int stopwaitsecs;
  String phpVersion;
  boolean daemon;
  boolean force;
  Instant createdAt;
  Instant installedAt;
}
