package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RepositoryAndEnvironmentTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void repositoryInstallsAfterConfiguredDelay() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long siteId = api.createSite(serverId, "a.test");
    String site = "servers/" + serverId + "/sites/" + siteId;

    ForgeApi.Answer installed =
        api.post(
            site + "/git",
            Map.of("provider", "github", "repository", "acme/app", "branch", "pr-4"));

    assertThat(installed.status()).isEqualTo(200);
    assertThat(installed.json().at("/site/repository_status").asText()).isEqualTo("installing");
    assertThat(installed.json().at("/site/repository").asText()).isEqualTo("acme/app");
    assertThat(installed.json().at("/site/repository_branch").asText()).isEqualTo("pr-4");
    forge.manualClock().advance(Duration.ofSeconds(19));
    assertThat(repositoryStatus(api, site)).isEqualTo("installing");
    forge.manualClock().advance(Duration.ofSeconds(1));
    assertThat(repositoryStatus(api, site)).isEqualTo("installed");
  }

  @Test
  void removingRepositoryClearsItsStatus() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String site =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "a.test");

    assertThat(api.delete(site + "/git").status()).isEqualTo(200);

    assertThat(api.get(site).json().at("/site/repository_status").isNull()).isTrue();
    assertThat(api.get(site).json().at("/site/repository").isNull()).isTrue();
  }

  @Test
  void repositoryInstallRequiresProviderAndRepository() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long siteId = api.createSite(serverId, "a.test");

    ForgeApi.Answer answer =
        api.post("servers/" + serverId + "/sites/" + siteId + "/git", Map.of());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/provider/0").asText())
        .isEqualTo("The provider field is required.");
    assertThat(answer.json().at("/repository/0").asText())
        .isEqualTo("The repository field is required.");
  }

  @Test
  void environmentWriteBeforeRepositoryIsAcceptedButIgnored() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String site = "servers/" + serverId + "/sites/" + api.createSite(serverId, "a.test");

    ForgeApi.Answer write = api.put(site + "/env", Map.of("content", "APP_ENV=preview\n"));

    assertThat(write.status()).isEqualTo(200);
    assertThat(api.get(site + "/env").body()).isEmpty();
  }

  @Test
  void environmentIsStoredAsPlainTextOnceRepositoryIsInstalled() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String site =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "a.test");

    api.put(site + "/env", Map.of("content", "APP_ENV=preview\nDB_DATABASE=pr_4\n"));
    ForgeApi.Answer read = api.get(site + "/env");

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("Content-Type")).startsWith("text/plain");
    assertThat(read.body()).isEqualTo("APP_ENV=preview\nDB_DATABASE=pr_4\n");
  }

  private static String repositoryStatus(ForgeApi api, String site) {
    return api.get(site).json().at("/site/repository_status").asText();
  }
}
