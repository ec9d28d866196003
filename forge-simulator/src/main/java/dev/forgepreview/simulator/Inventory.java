package dev.forgepreview.simulator;

import java.util.List;

/**
 * What the simulator holds at one instant. Sites in {@code removing} state and certificates that
 * already failed are left out: they are gone as far as leak checks are concerned.
 */
public record Inventory(
    List<Server> servers,
    List<Site> sites,
    List<Database> databases,
    List<DatabaseUser> databaseUsers,
    List<Worker> workers,
    List<Certificate> certificates) {

  public Inventory {
    servers = List.copyOf(servers);
    sites = List.copyOf(sites);
    databases = List.copyOf(databases);
    databaseUsers = List.copyOf(databaseUsers);
    workers = List.copyOf(workers);
    certificates = List.copyOf(certificates);
  }

  /** True when nothing at all is alive, servers included. */
  public boolean isEmpty() {
    return servers.isEmpty() && isEmptyBesidesServers();
  }

  /** True when no site, database, user, worker or certificate is alive (servers may remain). */
  public boolean isEmptyBesidesServers() {
    return sites.isEmpty()
        && databases.isEmpty()
        && databaseUsers.isEmpty()
        && workers.isEmpty()
        && certificates.isEmpty();
  }

  public record Server(long id, String name, boolean ready) {}

  public record Site(
      long id, long serverId, String domain, String status, String repositoryStatus) {}

  public record Database(long id, long serverId, String name, String status) {}

  public record DatabaseUser(
      long id, long serverId, String name, List<Long> databases, String status) {
    public DatabaseUser {
      databases = List.copyOf(databases);
    }
  }

  public record Worker(long id, long serverId, long siteId, String queue, String status) {}

  public record Certificate(
      long id, long serverId, long siteId, String domain, String status, boolean active) {}
}
