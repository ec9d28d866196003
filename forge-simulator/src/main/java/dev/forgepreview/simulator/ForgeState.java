package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every resource the simulator holds. Not thread-safe by itself: callers hold the monitor of this
 * object around each request. Ids are unique across all kinds and never reused, even after {@link
 * #clear()}, so a stale id from an earlier test cannot hit a new resource.
 */
final class ForgeState {

  private long nextId = 1;

  final Map<Long, ServerEntity> servers = new TreeMap<>();
  final Map<Long, SiteEntity> sites = new TreeMap<>();
  final Map<Long, DeploymentEntity> deployments = new TreeMap<>();
  final Map<Long, DatabaseEntity> databases = new TreeMap<>();
  final Map<Long, DatabaseUserEntity> databaseUsers = new TreeMap<>();
  final Map<Long, WorkerEntity> workers = new TreeMap<>();
  final Map<Long, CertificateEntity> certificates = new TreeMap<>();
  final Map<Long, SecurityRuleEntity> securityRules = new TreeMap<>();
  final Map<Long, SiteCommandEntity> siteCommands = new TreeMap<>();

  /**
   * What the API has created, by kind, then by name (a site's domain for its workers and
   * deployments).
   */
  private final Map<Kind, Map<String, Integer>> created = new EnumMap<>(Kind.class);

  /** The kinds of resources counted by {@link #recordCreated}. */
  enum Kind {
    SERVERS("servers"),
    SITES("sites"),
    DATABASES("databases"),
    DATABASE_USERS("databaseUsers"),
    WORKERS("workers"),
    CERTIFICATES("certificates"),
    SECURITY_RULES("securityRules"),
    SITE_COMMANDS("siteCommands"),
    DEPLOYMENTS("deployments");

    final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  long nextId() {
    return nextId++;
  }

  void recordCreated(Kind kind, String name) {
    created.computeIfAbsent(kind, k -> new TreeMap<>()).merge(name, 1, Integer::sum);
  }

  /**
   * Creations through the API since the last {@link #clear()}, kept after the resources are
   * deleted: {@code {"servers": {"total": 2, "byName": {"a": 1, "b": 1}}, ...}}.
   */
  Map<String, Object> created() {
    Map<String, Object> all = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      Map<String, Integer> byName = created.getOrDefault(kind, Map.of());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("total", byName.values().stream().mapToInt(Integer::intValue).sum());
      entry.put("byName", new TreeMap<>(byName));
      all.put(kind.key, entry);
    }
    return all;
  }

  void clear() {
    created.clear();
    servers.clear();
    sites.clear();
    deployments.clear();
    databases.clear();
    databaseUsers.clear();
    workers.clear();
    certificates.clear();
    securityRules.clear();
    siteCommands.clear();
  }

  /** Drops what has finished disappearing: removed sites and failed certificates. */
  void purge(Instant now) {
    List<Long> gone =
        sites.values().stream()
            .filter(s -> s.removing() && Lifecycle.reached(s.goneAt, now))
            .map(s -> s.id)
            .toList();
    gone.forEach(this::dropSite);
    certificates.values().removeIf(c -> Lifecycle.certificateGone(c, now));
  }

  ServerEntity server(long id) {
    ServerEntity server = servers.get(id);
    if (server == null) {
      throw ApiException.notFound();
    }
    return server;
  }

  /** A site of the server, also while it is being removed. */
  SiteEntity site(long serverId, long siteId) {
    server(serverId);
    SiteEntity site = sites.get(siteId);
    if (site == null || site.serverId != serverId) {
      throw ApiException.notFound();
    }
    return site;
  }

  /** A site that is not being removed; anything done to a removing site is a 404 (inferred). */
  SiteEntity liveSite(long serverId, long siteId) {
    SiteEntity site = site(serverId, siteId);
    if (site.removing()) {
      throw ApiException.notFound();
    }
    return site;
  }

  DatabaseEntity database(long serverId, long id) {
    server(serverId);
    DatabaseEntity database = databases.get(id);
    if (database == null || database.serverId != serverId) {
      throw ApiException.notFound();
    }
    return database;
  }

  DatabaseUserEntity databaseUser(long serverId, long id) {
    server(serverId);
    DatabaseUserEntity user = databaseUsers.get(id);
    if (user == null || user.serverId != serverId) {
      throw ApiException.notFound();
    }
    return user;
  }

  WorkerEntity worker(SiteEntity site, long id) {
    WorkerEntity worker = workers.get(id);
    if (worker == null || worker.siteId != site.id) {
      throw ApiException.notFound();
    }
    return worker;
  }

  CertificateEntity certificate(SiteEntity site, long id) {
    CertificateEntity certificate = certificates.get(id);
    if (certificate == null || certificate.siteId != site.id) {
      throw ApiException.notFound();
    }
    return certificate;
  }

  SecurityRuleEntity securityRule(SiteEntity site, long id) {
    SecurityRuleEntity rule = securityRules.get(id);
    if (rule == null || rule.siteId != site.id) {
      throw ApiException.notFound();
    }
    return rule;
  }

  DeploymentEntity deployment(SiteEntity site, long id) {
    DeploymentEntity deployment = deployments.get(id);
    if (deployment == null || deployment.siteId != site.id) {
      throw ApiException.notFound();
    }
    return deployment;
  }

  static <T> List<T> select(Map<Long, T> map, Predicate<T> filter) {
    return map.values().stream().filter(filter).toList();
  }

  /** Deployments of a site, newest first. */
  List<DeploymentEntity> deploymentsOf(long siteId) {
    return deployments.values().stream()
        .filter(d -> d.siteId == siteId)
        .sorted(Comparator.comparingLong((DeploymentEntity d) -> d.id).reversed())
        .toList();
  }

  DeploymentEntity latestDeployment(long siteId) {
    List<DeploymentEntity> all = deploymentsOf(siteId);
    return all.isEmpty() ? null : all.get(0);
  }

  /** Starts removing a site; its workers and certificates go at once. */
  void removeSite(SiteEntity site, Instant now, Instant goneAt) {
    site.removingSince = now;
    site.goneAt = goneAt;
    workers.values().removeIf(w -> w.siteId == site.id);
    certificates.values().removeIf(c -> c.siteId == site.id);
    securityRules.values().removeIf(r -> r.siteId == site.id);
    siteCommands.values().removeIf(c -> c.siteId == site.id);
  }

  private void dropSite(long siteId) {
    sites.remove(siteId);
    deployments.values().removeIf(d -> d.siteId == siteId);
    workers.values().removeIf(w -> w.siteId == siteId);
    certificates.values().removeIf(c -> c.siteId == siteId);
    securityRules.values().removeIf(r -> r.siteId == siteId);
    siteCommands.values().removeIf(c -> c.siteId == siteId);
  }

  /** Deletes a server with everything on it. */
  void deleteServer(long serverId) {
    servers.remove(serverId);
    List<Long> siteIds =
        select(sites, s -> s.serverId == serverId).stream().map(s -> s.id).toList();
    siteIds.forEach(this::dropSite);
    databases.values().removeIf(d -> d.serverId == serverId);
    databaseUsers.values().removeIf(u -> u.serverId == serverId);
  }

  /** Deletes a database and takes it out of every user's access list. */
  void deleteDatabase(DatabaseEntity database) {
    databases.remove(database.id);
    databaseUsers.values().forEach(u -> u.databases.remove(database.id));
  }
}
