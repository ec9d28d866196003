package dev.forgepreview.simulator;

import java.time.Instant;

/**
 * A command run in a site's directory: {@code waiting} until {@code startsAt}, {@code running}
 * until {@code endsAt}, then {@code finished} or ({@code fails}) {@code failed}.
 */
final class SiteCommandEntity {
  long id;
  long serverId;
  long siteId;
  String command;
  boolean fails;
  Instant createdAt;
  Instant startsAt;
  Instant endsAt;
}
