package dev.forgepreview.gateway.config;

import dev.forgepreview.gateway.webhook.SignatureVerifier;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.settings.SecretFiles;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
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

  /** The variables both processes read the same way (Temporal TLS, secrets from files). */
  @Singleton
  Env environmentVariables() {
    return Env.system();
  }

  @Singleton
  @Context
  @Bean(preDestroy = "close")
  RepositoriesFile repositoriesFile(RepositoriesConfiguration config) {
    if (config.file() == null || config.file().isBlank()) {
      LOG.warn(
          "No repositories file configured ({}.file / {}): every repository is refused",
          RepositoriesConfiguration.PREFIX,
          RepositoriesFile.FILE_VARIABLE);
      return RepositoriesFile.none();
    }
    RepositoriesFile file = RepositoriesFile.open(Path.of(config.file()));
    LOG.info("{} repositories allowed (from {})", file.get().size(), config.file());
    return file.watch(config.reloadIntervalOrDefault());
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
    return SecretFiles.read(Path.of(config.secretFile()), "GITHUB_WEBHOOK_SECRET_FILE")
        .getBytes(StandardCharsets.UTF_8);
  }
}
