package dev.forgepreview.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where Temporal runs. {@code rpcTimeout} bounds every call the gateway makes (GitHub gives up on a
 * delivery after 10 s); {@code healthTimeout} bounds the {@code GET /health} probe.
 */
@ConfigurationProperties(TemporalConfiguration.PREFIX)
public record TemporalConfiguration(
    @Bindable(defaultValue = "127.0.0.1:7233") String address,
    @Bindable(defaultValue = "default") String namespace,
    @Bindable(defaultValue = "5s") Duration rpcTimeout,
    @Bindable(defaultValue = "2s") Duration healthTimeout) {

  public static final String PREFIX = "forge-preview.temporal";

  public TemporalConfiguration {
    if (address == null || address.isBlank()) {
      throw new ConfigurationException(PREFIX + ".address is required");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new ConfigurationException(PREFIX + ".namespace is required");
    }
    if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
      throw new ConfigurationException(PREFIX + ".rpc-timeout must be positive");
    }
    if (healthTimeout.isNegative() || healthTimeout.isZero()) {
      throw new ConfigurationException(PREFIX + ".health-timeout must be positive");
    }
  }
}
