package dev.forgepreview.worker;

import dev.forgepreview.activities.compose.ComposeActivitiesImpl;
import dev.forgepreview.activities.compose.PreviewFileServices;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.settings.Env;
import dev.forgepreview.workflows.ActivityFailures;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ComposeActivities;
import io.temporal.failure.ApplicationFailure;

/**
 * Builds the compose backend's activities from the same {@code SSH_*} settings as the database
 * clone. Without an SSH key every compose step fails at once with a clear non-retryable failure
 * (the preview rolls back and ends FAILED) instead of timing out.
 */
final class ComposeWiring {
  private ComposeWiring() {}

  /**
   * @param previewFiles reads the preview file's extra services (GitHub's contents API); null
   *     without GitHub, and a preview asking for services is refused
   */
  static ComposeActivities fromEnvironment(
      Env env,
      java.util.function.Function<String, java.util.Map<String, String>> configured,
      BasicAuthCredentials basicAuth,
      PreviewFileServices previewFiles) {
    boolean keyConfigured =
        env.get(SshSettings.ENV_PRIVATE_KEY).isPresent()
            || env.get(SshSettings.ENV_PRIVATE_KEY_FILE).isPresent();
    if (!keyConfigured) {
      return new NotConfigured();
    }
    return new ComposeActivitiesImpl(
        new SshConnector(SshSettings.fromEnvironment(env.asMap())),
        name -> PreviewWorker.previewVisible(name) ? env.asMap().get(name) : null,
        configured,
        basicAuth,
        previewFiles);
  }

  /** Answers when no SSH key is configured; compensations have nothing to remove. */
  static final class NotConfigured implements ComposeActivities {
    private static final String WHY =
        "SSH is not configured on this worker (SSH_PRIVATE_KEY_FILE and SSH_KNOWN_HOSTS_FILE):"
            + " it cannot reach a compose host";

    private static ApplicationFailure refused() {
      return ActivityFailures.of(FailureType.INVALID_INPUT, WHY);
    }

    @Override
    public CheckoutResult checkoutSource(CheckoutRequest request) {
      throw refused();
    }

    @Override
    public ComposeFile renderComposeFile(RenderComposeRequest request) {
      throw refused();
    }

    @Override
    public void composeUp(ComposeUpRequest request) {
      throw refused();
    }

    @Override
    public int awaitAppHealthy(ComposeTarget request) {
      throw refused();
    }

    @Override
    public void publishNginxSite(NginxSiteRequest request) {
      throw refused();
    }

    @Override
    public void removeNginxSite(NginxSiteRequest request) {}

    @Override
    public void composeDown(ComposeTarget request) {}

    @Override
    public void removeWorkDirectory(ComposeTarget request) {}

    @Override
    public java.util.List<HostProject> listComposeProjects(ComposeTarget request) {
      throw refused();
    }
  }
}
