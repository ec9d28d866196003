package dev.forgepreview.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The webhook endpoint. The secret is either {@code secret} ({@code GITHUB_WEBHOOK_SECRET}) or the
 * content of {@code secret-file} ({@code GITHUB_WEBHOOK_SECRET_FILE}); {@link #toString()} never
 * shows it.
 */
@ConfigurationProperties(WebhookConfiguration.PREFIX)
public record WebhookConfiguration(
    @Nullable String secret,
    @Nullable String secretFile,
    @Bindable(defaultValue = "1048576") long maxBodySize) {

  public static final String PREFIX = "forge-preview.webhook";

  public WebhookConfiguration {
    if (maxBodySize <= 0) {
      throw new ConfigurationException(PREFIX + ".max-body-size must be positive");
    }
  }

  @Override
  public String toString() {
    return "WebhookConfiguration[secret="
        + (secret == null || secret.isEmpty() ? "<unset>" : "<redacted>")
        + ", secretFile="
        + secretFile
        + ", maxBodySize="
        + maxBodySize
        + "]";
  }
}
