package dev.forgepreview.gateway.config;

import dev.forgepreview.settings.TemporalConnection;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where Temporal runs. {@code rpcTimeout} bounds every call the gateway makes (GitHub gives up on a
 * delivery after 10 s); {@code healthTimeout} bounds the {@code GET /health} probe.
 */
@ConfigurationProperties(TemporalConfiguration.PREFIX)
public record TemporalConfiguration(
    @Nullable String address,
    @Nullable String namespace,
    @Bindable(defaultValue = "5s") Duration rpcTimeout,
    @Bindable(defaultValue = "2s") Duration healthTimeout) {

  public static final String PREFIX = "forge-preview.temporal";

  public TemporalConfiguration {
    // Unset or blank: the worker's defaults, as the worker reads the same variables.
    address = address == null || address.isBlank() ? TemporalConnection.DEFAULT_ADDRESS : address;
    namespace =
        namespace == null || namespace.isBlank() ? TemporalConnection.DEFAULT_NAMESPACE : namespace;
    if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
      throw new ConfigurationException(PREFIX + ".rpc-timeout must be positive");
    }
    if (healthTimeout.isNegative() || healthTimeout.isZero()) {
      throw new ConfigurationException(PREFIX + ".health-timeout must be positive");
    }
  }
}
