package dev.forgepreview.settings;

/**
 * Where both processes find Temporal: the variables and their defaults, written once. TLS is {@link
 * TemporalTls}.
 */
public final class TemporalConnection {
  public static final String ADDRESS_VARIABLE = "TEMPORAL_ADDRESS";
  public static final String NAMESPACE_VARIABLE = "TEMPORAL_NAMESPACE";
  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  private TemporalConnection() {}

  /** {@value #ADDRESS_VARIABLE}, else {@value #DEFAULT_ADDRESS}. */
  public static String address(Env env) {
    return env.get(ADDRESS_VARIABLE, DEFAULT_ADDRESS);
  }

  /** {@value #NAMESPACE_VARIABLE}, else {@value #DEFAULT_NAMESPACE}. */
  public static String namespace(Env env) {
    return env.get(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE);
  }
}
