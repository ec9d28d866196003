package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SiteLifecycleTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void siteInstallsAfterConfiguredDelay() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer created =
        api.post("servers/" + serverId + "/sites", Map.of("domain", "pr-7.example.com"));

    assertThat(created.status()).isEqualTo(200);
    JsonNode site = created.json().get("site");
    assertThat(site.get("server_id").asLong()).isEqualTo(serverId);
    assertThat(site.get("name").asText()).isEqualTo("pr-7.example.com");
    assertThat(site.get("status").asText()).isEqualTo("installing");
    assertThat(site.get("repository_status").isNull()).isTrue();
    assertThat(site.get("deployment_status").isNull()).isTrue();
    assertThat(site.get("username").asText()).isEqualTo("forge");
    assertThat(site.get("isolated").asBoolean()).isFalse();
    assertThat(site.get("app").isNull()).isTrue();
    assertThat(Fields.of(site))
        .contains(
            "id",
            "server_id",
            "name",
            "aliases",
            "directory",
            "wildcards",
            "isolated",
            "username",
            "status",
            "repository",
            "repository_provider",
            "repository_branch",
            "repository_status",
            "quick_deploy",
            "deployment_status",
            "project_type",
            "app",
            "app_status",
            "php_version",
            "deployment_url",
            "is_secured",
            "web_directory",
            "tags");
    long siteId = site.get("id").asLong();

    forge.manualClock().advance(Duration.ofSeconds(29));
    assertThat(status(api, serverId, siteId)).isEqualTo("installing");
    forge.manualClock().advance(Duration.ofSeconds(1));
    assertThat(status(api, serverId, siteId)).isEqualTo("installed");
  }

  @Test
  void deletedSiteListsAsRemovingThenDisappears() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long siteId = api.createSite(serverId, "pr-8.example.com");

    assertThat(api.delete("servers/" + serverId + "/sites/" + siteId).status()).isEqualTo(200);

    JsonNode listed = api.get("servers/" + serverId + "/sites").json().get("sites");
    assertThat(listed).extracting(s -> s.get("status").asText()).containsExactly("removing");
    assertThat(forge.simulator().inventory().sites()).isEmpty();

    forge.manualClock().advance(Duration.ofSeconds(10));

    assertThat(api.get("servers/" + serverId + "/sites").json().get("sites")).isEmpty();
    assertThat(api.get("servers/" + serverId + "/sites/" + siteId).status()).isEqualTo(404);
  }

  @Test
  void duplicateDomainOnSameServerIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long otherServer = forge.simulator().seedServer("other");
    api.createSite(serverId, "pr-9.example.com");

    ForgeApi.Answer duplicate =
        api.post("servers/" + serverId + "/sites", Map.of("domain", "pr-9.example.com"));
    ForgeApi.Answer elsewhere =
        api.post("servers/" + otherServer + "/sites", Map.of("domain", "pr-9.example.com"));

    assertThat(duplicate.status()).isEqualTo(422);
    assertThat(duplicate.json().toString())
        .isEqualTo("{\"domain\":[\"The domain has already been taken.\"]}");
    assertThat(elsewhere.status()).isEqualTo(200);
  }

  @Test
  void siteWithoutDomainIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer = api.post("servers/" + serverId + "/sites", Map.of());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/domain/0").asText()).isEqualTo("The domain field is required.");
  }

  @Test
  void isolatedSiteNeedsUnreservedUsername() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String sites = "servers/" + serverId + "/sites";

    ForgeApi.Answer missing = api.post(sites, Map.of("domain", "a.test", "isolated", true));
    ForgeApi.Answer reserved =
        api.post(sites, Map.of("domain", "b.test", "isolated", true, "username", "www-data"));
    ForgeApi.Answer fine =
        api.post(sites, Map.of("domain", "c.test", "isolated", true, "username", "pr_12"));

    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().has("username")).isTrue();
    assertThat(reserved.status()).isEqualTo(422);
    assertThat(reserved.json().has("username")).isTrue();
    assertThat(fine.status()).isEqualTo(200);
    assertThat(fine.json().at("/site/username").asText()).isEqualTo("pr_12");
    assertThat(fine.json().at("/site/isolated").asBoolean()).isTrue();
  }

  @Test
  void usernameWithoutIsolationMustBeForge() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String sites = "servers/" + serverId + "/sites";

    ForgeApi.Answer other =
        api.post(sites, Map.of("domain", "a.test", "isolated", false, "username", "pr_12"));
    ForgeApi.Answer forgeUser =
        api.post(sites, Map.of("domain", "b.test", "isolated", false, "username", "forge"));

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.json().has("username")).isTrue();
    assertThat(forgeUser.status()).isEqualTo(200);
  }

  @Test
  void siteCreationWithDatabaseCreatesItAndRejectsTakenName() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    Map<String, Object> body = new HashMap<>(Map.of("domain", "a.test", "database", "pr_3"));
    assertThat(api.post("servers/" + serverId + "/sites", body).status()).isEqualTo(200);

    body.put("domain", "b.test");
    ForgeApi.Answer taken = api.post("servers/" + serverId + "/sites", body);

    assertThat(forge.simulator().inventory().databases())
        .extracting(Inventory.Database::name)
        .containsExactly("pr_3");
    assertThat(taken.status()).isEqualTo(422);
    assertThat(taken.json().toString())
        .isEqualTo("{\"database\":[\"The database has already been taken.\"]}");
  }

  @Test
  void siteUpdateChangesFields() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long siteId = api.createSite(serverId, "a.test");

    ForgeApi.Answer updated =
        api.put(
            "servers/" + serverId + "/sites/" + siteId,
            Map.of(
                "directory", "/web", "php_version", "php82", "aliases", new String[] {"x.test"}));

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().at("/site/directory").asText()).isEqualTo("/web");
    assertThat(updated.json().at("/site/php_version").asText()).isEqualTo("php82");
    assertThat(updated.json().at("/site/aliases/0").asText()).isEqualTo("x.test");
  }

  @Test
  void deletingSiteDeletesItsWorkersAndCertificates() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    long siteId = api.createSite(serverId, "a.test");
    String site = "servers/" + serverId + "/sites/" + siteId;
    api.post(site + "/workers", Map.of("connection", "redis"));
    api.post(site + "/certificates/letsencrypt", Map.of("domains", new String[] {"a.test"}));

    api.delete(site);

    Inventory inventory = forge.simulator().inventory();
    assertThat(inventory.workers()).isEmpty();
    assertThat(inventory.certificates()).isEmpty();
    assertThat(inventory.isEmptyBesidesServers()).isTrue();
  }

  private static String status(ForgeApi api, long serverId, long siteId) {
    return api.get("servers/" + serverId + "/sites/" + siteId).json().at("/site/status").asText();
  }
}
