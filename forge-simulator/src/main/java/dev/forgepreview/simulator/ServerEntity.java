package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.List;

/** A server as stored; {@code readyAt} null means it never becomes ready. */
final class ServerEntity {
  long id;
  String name;
  String provider;
  Long credentialId;
  String type;
  String size;
  String region;
  String ubuntuVersion;
  String phpVersion;
  String databaseType;
  List<Long> network = List.of();
  Instant createdAt;
  Instant readyAt;

  /**
   * The public address a seeded server reports instead of the simulator's documentation-range one
   * ({@code 192.0.2.x}): a real host of the test on loopback, reached over SSH.
   */
  String ipAddress;
}
