package dev.forgepreview.gateway.config;

import dev.forgepreview.gateway.webhook.SignatureVerifier;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the beans whose configuration has to be read from files. Fails fast at startup. */
@Factory
class GatewayFactory {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayFactory.class);

  @Context
  SignatureVerifier signatureVerifier(WebhookConfiguration config) {
    return new SignatureVerifier(secret(config));
  }

  @Singleton
  @Context
  RepositoryAllowList repositoryAllowList(RepositoriesConfiguration config) {
    if (config.file() == null || config.file().isBlank()) {
      LOG.warn(
          "No repositories file configured ({}.file / FORGE_PREVIEW_REPOSITORIES_FILE):"
              + " every repository is refused",
          RepositoriesConfiguration.PREFIX);
      return RepositoryAllowList.empty();
    }
    RepositoryAllowList allowList = RepositoryAllowList.load(Path.of(config.file()));
    LOG.info("{} repositories allowed (from {})", allowList.size(), config.file());
    return allowList;
  }

  private static byte[] secret(WebhookConfiguration config) {
    boolean hasValue = config.secret() != null && !config.secret().isEmpty();
    boolean hasFile = config.secretFile() != null && !config.secretFile().isBlank();
    if (hasValue && hasFile) {
      throw new ConfigurationException(
          "set either GITHUB_WEBHOOK_SECRET or GITHUB_WEBHOOK_SECRET_FILE, not both");
    }
    if (hasValue) {
      return config.secret().getBytes(StandardCharsets.UTF_8);
    }
    if (!hasFile) {
      throw new ConfigurationException(
          "a webhook secret is required: GITHUB_WEBHOOK_SECRET or GITHUB_WEBHOOK_SECRET_FILE");
    }
    try {
      // Files written by `echo` or a Kubernetes secret often end with a newline that GitHub never
      // saw.
      String content = Files.readString(Path.of(config.secretFile()), StandardCharsets.UTF_8);
      String secret = content.replaceFirst("[\\r\\n]+$", "");
      if (secret.isEmpty()) {
        throw new ConfigurationException("the webhook secret file is empty");
      }
      return secret.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read the webhook secret file", e);
    }
  }
}
