package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders stored resources as the JSON objects Forge v1 sends, every documented field present. */
final class Views {

  private final ForgeState state;

  Views(ForgeState state) {
    this.state = state;
  }

  Map<String, Object> server(ServerEntity s, Instant now) {
    boolean ready = Lifecycle.isReady(s, now);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id);
    m.put("credential_id", s.credentialId);
    m.put("name", s.name);
    m.put("type", s.type);
    m.put("provider", s.provider);
    m.put("provider_id", null);
    m.put("size", s.size);
    m.put("region", s.region);
    m.put("ubuntu_version", s.ubuntuVersion);
    m.put("db_status", null);
    m.put("redis_status", null);
    m.put("php_version", s.phpVersion);
    m.put("php_cli_version", s.phpVersion);
    m.put("opcache_status", null);
    m.put("database_type", s.databaseType);
    m.put(
        "ip_address",
        !ready ? null : s.ipAddress != null ? s.ipAddress : "192.0.2." + (s.id % 254 + 1));
    m.put("ssh_port", 22);
    m.put(
        "private_ip_address", ready ? "10.0." + (s.id / 254 % 254) + "." + (s.id % 254 + 1) : null);
    m.put("local_public_key", null);
    m.put("blackfire_status", null);
    m.put("papertrail_status", null);
    m.put("revoked", false);
    m.put("created_at", Json.timestamp(s.createdAt));
    m.put("is_ready", ready);
    m.put("tags", List.of());
    m.put("network", s.network);
    return m;
  }

  Map<String, Object> site(SiteEntity s, Instant now) {
    DeploymentEntity latest = state.latestDeployment(s.id);
    boolean secured =
        state.certificates.values().stream()
            .anyMatch(c -> c.siteId == s.id && Lifecycle.certificateActive(c, now));
    return site(s, now, latest, secured);
  }

  /**
   * The sites of a list, in one pass over the deployments and the certificates (a site's own view
   * looks at all of them, which for a list of thousands of sites made the list quadratic).
   */
  List<Map<String, Object>> sites(List<SiteEntity> sites, Instant now) {
    Map<Long, DeploymentEntity> latest = new java.util.HashMap<>();
    for (DeploymentEntity d : state.deployments.values()) {
      latest.merge(d.siteId, d, (a, b) -> a.id >= b.id ? a : b);
    }
    java.util.Set<Long> secured = new java.util.HashSet<>();
    for (CertificateEntity c : state.certificates.values()) {
      if (Lifecycle.certificateActive(c, now)) {
        secured.add(c.siteId);
      }
    }
    return sites.stream().map(s -> site(s, now, latest.get(s.id), secured.contains(s.id))).toList();
  }

  private Map<String, Object> site(
      SiteEntity s, Instant now, DeploymentEntity latest, boolean secured) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id);
    m.put("server_id", s.serverId);
    m.put("name", s.name);
    m.put("aliases", s.aliases);
    m.put("directory", s.directory);
    m.put("wildcards", s.wildcards);
    m.put("isolated", s.isolated);
    m.put("username", s.username);
    m.put("status", Lifecycle.siteStatus(s, now));
    m.put("repository", s.repository);
    m.put("repository_provider", s.repositoryProvider);
    m.put("repository_branch", s.repositoryBranch);
    m.put("repository_status", Lifecycle.repositoryStatus(s, now));
    m.put("quick_deploy", s.quickDeploy);
    m.put("deployment_status", Lifecycle.siteDeploymentStatus(latest, now));
    m.put("project_type", s.projectType);
    m.put("app", null);
    m.put("app_status", null);
    m.put("hipchat_room", null);
    m.put("slack_channel", null);
    m.put("telegram_chat_id", null);
    m.put("telegram_chat_title", null);
    m.put("php_version", s.phpVersion);
    m.put(
        "deployment_url",
        "https://forge.laravel.com/servers/"
            + s.serverId
            + "/sites/"
            + s.id
            + "/deploy/http?token="
            + s.deployToken);
    m.put("is_secured", secured);
    m.put("web_directory", "/home/" + s.username + "/" + s.name + s.directory);
    m.put("created_at", Json.timestamp(s.createdAt));
    m.put("tags", List.of());
    return m;
  }

  Map<String, Object> deployment(DeploymentEntity d, Instant now) {
    String status = Lifecycle.deploymentStatus(d, now);
    boolean ended = !Lifecycle.DEPLOYING.equals(status);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id);
    m.put("server_id", d.serverId);
    m.put("site_id", d.siteId);
    m.put("type", 4);
    m.put("commit_hash", d.commitHash);
    m.put("commit_author", "Forge Simulator");
    m.put("commit_message", "Simulated commit on " + d.branch);
    m.put("started_at", Json.timestamp(d.requestedAt));
    m.put("ended_at", ended ? Json.timestamp(d.endsAt) : null);
    m.put("status", status);
    m.put("displayable_type", "Deployment API");
    return m;
  }

  /** The deployment output as far as it has run at {@code now}. */
  String deploymentOutput(DeploymentEntity d, Instant now) {
    StringBuilder out = new StringBuilder();
    out.append(Json.timestamp(d.requestedAt)).append(" Deployment queued\n");
    if (Lifecycle.reached(d.startsAt, now)) {
      out.append(Json.timestamp(d.startsAt))
          .append(" Deploying branch ")
          .append(d.branch)
          .append(" at ")
          .append(d.commitHash)
          .append('\n');
    }
    String status = Lifecycle.deploymentStatus(d, now);
    if (d.timesOut && Lifecycle.FAILED.equals(status)) {
      out.append(Json.timestamp(d.endsAt)).append(" Deployment timed out after 10 minutes\n");
    } else if (Lifecycle.FAILED.equals(status)) {
      out.append(Json.timestamp(d.endsAt)).append(" Deployment script exited with status 1\n");
    } else if (Lifecycle.FINISHED.equals(status)) {
      out.append(Json.timestamp(d.endsAt)).append(" Deployment finished\n");
    }
    return out.toString();
  }

  Map<String, Object> database(DatabaseEntity d, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id);
    m.put("name", d.name);
    m.put("status", Lifecycle.installStatus(d.installedAt, now));
    m.put("created_at", Json.timestamp(d.createdAt));
    return m;
  }

  Map<String, Object> databaseUser(DatabaseUserEntity u, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id);
    m.put("name", u.name);
    m.put("status", Lifecycle.installStatus(u.installedAt, now));
    m.put("created_at", Json.timestamp(u.createdAt));
    m.put("databases", List.copyOf(u.databases));
    return m;
  }

  Map<String, Object> worker(WorkerEntity w, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id);
    m.put("connection", w.connection);
    m.put("command", w.command);
    m.put("queue", w.queue);
    m.put("timeout", w.timeout);
    m.put("sleep", w.sleep);
    m.put("tries", w.tries);
    m.put("processes", w.processes);
    m.put("stopwaitsecs", w.stopwaitsecs);
    m.put("environment", null);
    m.put("php_version", w.phpVersion);
    m.put("daemon", w.daemon ? 1 : 0);
    m.put("force", w.force ? 1 : 0);
    m.put("status", Lifecycle.installStatus(w.installedAt, now));
    m.put("created_at", Json.timestamp(w.createdAt));
    return m;
  }

  Map<String, Object> certificate(CertificateEntity c, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id);
    m.put("domain", c.domain);
    m.put("type", c.type);
    m.put("request_status", "created");
    m.put("status", Lifecycle.certificateStatus(c, now));
    m.put("existing", "existing".equals(c.type));
    m.put("active", Lifecycle.certificateActive(c, now));
    m.put("activation_status", Lifecycle.certificateActivationStatus(c, now));
    m.put("created_at", Json.timestamp(c.createdAt));
    return m;
  }
}
