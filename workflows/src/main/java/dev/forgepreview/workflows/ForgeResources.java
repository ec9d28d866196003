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
}
