package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Ids of what exists on Forge for one preview; null where nothing was created (yet). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ForgeResources(
    Long serverId,
    String serverIp,
    Long siteId,
    Long databaseId,
    Long databaseUserId,
    Long workerId,
    Long certificateId,
    Long deploymentId) {

  public static ForgeResources none() {
    return new ForgeResources(null, null, null, null, null, null, null, null);
  }

  public ForgeResources withServer(Long id, String ip) {
    return new ForgeResources(
        id, ip, siteId, databaseId, databaseUserId, workerId, certificateId, deploymentId);
  }

  public ForgeResources withSite(Long id) {
    return new ForgeResources(
        serverId, serverIp, id, databaseId, databaseUserId, workerId, certificateId, deploymentId);
  }

  public ForgeResources withDatabase(Long id) {
    return new ForgeResources(
        serverId, serverIp, siteId, id, databaseUserId, workerId, certificateId, deploymentId);
  }

  public ForgeResources withDatabaseUser(Long id) {
    return new ForgeResources(
        serverId, serverIp, siteId, databaseId, id, workerId, certificateId, deploymentId);
  }

  public ForgeResources withWorker(Long id) {
    return new ForgeResources(
        serverId, serverIp, siteId, databaseId, databaseUserId, id, certificateId, deploymentId);
  }

  public ForgeResources withCertificate(Long id) {
    return new ForgeResources(
        serverId, serverIp, siteId, databaseId, databaseUserId, workerId, id, deploymentId);
  }

  public ForgeResources withDeployment(Long id) {
    return new ForgeResources(
        serverId, serverIp, siteId, databaseId, databaseUserId, workerId, certificateId, id);
  }
}
