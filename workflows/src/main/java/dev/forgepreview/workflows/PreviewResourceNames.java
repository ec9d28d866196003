package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Every name a preview gives its resources, derived once by {@link PreviewNames} when the preview
 * starts and carried in its state (and its {@code status}) from then on: teardown, rollback and
 * every later run use these, never a recomputation, so a change of naming never renames what a
 * running preview created. {@code server} is null in shared mode; {@code scheme} says which naming
 * produced them ({@link PreviewNames#LEGACY} or {@link PreviewNames#OWNER_HASH}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreviewResourceNames(
    int scheme,
    String server,
    String siteDomain,
    String siteUser,
    String database,
    String databaseUser,
    int redisDatabase) {

  /** These names with the Redis database the admission coordinator allocated. */
  public PreviewResourceNames withRedisDatabase(int allocated) {
    return new PreviewResourceNames(
        scheme, server, siteDomain, siteUser, database, databaseUser, allocated);
  }
}
