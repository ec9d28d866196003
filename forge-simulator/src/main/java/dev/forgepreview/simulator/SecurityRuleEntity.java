package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.List;

/**
 * A site security rule: HTTP basic auth in front of {@code path} (null: the whole site) for any of
 * its credentials. Installed at once (Forge's SDK waits for {@code installed}; how long that takes
 * is not documented).
 */
final class SecurityRuleEntity {
  long id;
  long serverId;
  long siteId;
  String name;
  String path;
  List<Credential> credentials;
  Instant createdAt;

  record Credential(long id, String username, String password) {
    @Override
    public String toString() {
      return "Credential[username=" + username + ", password=***]";
    }
  }
}
