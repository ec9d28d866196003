package dev.forgepreview.activities.ssh;

/**
 * The MySQL credentials of a master database, from the worker's configuration (never from a request
 * or the workflow history).
 */
@FunctionalInterface
public interface MasterCredentials {

  /**
   * @param host the master's host as configured in {@code masterDatabase.host}
   * @return its credentials; null when none are configured for that host
   */
  DbCredentials forHost(String host);

  /** The same credentials for every master. */
  static MasterCredentials of(DbCredentials credentials) {
    return host -> credentials;
  }
}
