package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeploymentTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void deployBeforeRepositoryIsInstalledIsRefused() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String site = "servers/" + serverId + "/sites/" + api.createSite(serverId, "a.test");

    ForgeApi.Answer answer = api.post(site + "/deployment/deploy");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText())
        .isEqualTo(
            "The site does not yet have an application installed. Please install an application"
                + " and try again.");
  }

  @Test
  void deploymentRunsQueuedThenDeployingThenFinishes() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);

    ForgeApi.Answer deploy = api.post(site + "/deployment/deploy");

    assertThat(deploy.status()).isEqualTo(200);
    assertThat(deploy.json().at("/site/deployment_status").asText()).isEqualTo("queued");
    JsonNode entry = api.get(site + "/deployment-history").json().at("/deployments/0");
    assertThat(entry.get("status").asText()).isEqualTo("deploying");
    assertThat(entry.get("ended_at").isNull()).isTrue();
    assertThat(Fields.of(entry))
        .contains(
            "id",
            "server_id",
            "site_id",
            "type",
            "commit_hash",
            "commit_author",
            "commit_message",
            "started_at",
            "ended_at",
            "status",
            "displayable_type");

    forge.manualClock().advance(Duration.ofSeconds(2));
    assertThat(deploymentStatus(api, site)).isEqualTo("deploying");

    forge.manualClock().advance(Duration.ofSeconds(60));
    assertThat(api.get(site).json().at("/site/deployment_status").isNull()).isTrue();
    long id = entry.get("id").asLong();
    JsonNode finished = api.get(site + "/deployment-history/" + id).json().get("deployment");
    assertThat(finished.get("status").asText()).isEqualTo("finished");
    assertThat(finished.get("ended_at").asText()).isNotBlank();
    assertThat(api.get(site + "/deployment/log").body()).contains("Deployment finished");
    assertThat(
            api.get(site + "/deployment-history/" + id + "/output").json().get("output").asText())
        .contains("Deployment finished");
  }

  @Test
  void deploymentFailsWhenFaultIsSet() {
    forge.simulator().faults().failNextDeploys(1);
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);

    api.post(site + "/deployment/deploy");
    forge.manualClock().advance(Duration.ofMinutes(2));
    api.post(site + "/deployment/deploy");
    forge.manualClock().advance(Duration.ofMinutes(2));

    JsonNode history = api.get(site + "/deployment-history").json().get("deployments");
    assertThat(history)
        .extracting(d -> d.get("status").asText())
        .containsExactly("finished", "failed");
    assertThat(history.get(0).get("id").asLong()).isGreaterThan(history.get(1).get("id").asLong());
  }

  @Test
  void deploymentRunningPastTenMinutesFails() {
    forge.simulator().settings().deployDuration(Duration.ofMinutes(15));
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.post(site + "/deployment/deploy");

    forge.manualClock().advance(Duration.ofMinutes(9));
    assertThat(deploymentStatus(api, site)).isEqualTo("deploying");
    forge.manualClock().advance(Duration.ofMinutes(1).plusSeconds(2));

    assertThat(api.get(site).json().at("/site/deployment_status").isNull()).isTrue();
    assertThat(api.get(site + "/deployment-history").json().at("/deployments/0/status").asText())
        .isEqualTo("failed");
    assertThat(api.get(site + "/deployment/log").body()).contains("timed out");
  }

  @Test
  void deployWhileDeployingIsRefused() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.post(site + "/deployment/deploy");

    ForgeApi.Answer second = api.post(site + "/deployment/deploy");

    assertThat(second.status()).isEqualTo(400);
    assertThat(second.json().get("message").asText()).isEqualTo("This site is already deploying.");
  }

  @Test
  void deployWhileDeployingQueuesWhenAllowed() {
    forge.simulator().settings().rejectConcurrentDeploys(false);
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.post(site + "/deployment/deploy");

    ForgeApi.Answer second = api.post(site + "/deployment/deploy");
    forge.manualClock().advance(Duration.ofSeconds(62));

    assertThat(second.status()).isEqualTo(200);
    assertThat(deploymentStatus(api, site)).isEqualTo("queued");
  }

  @Test
  void deployWithFormEncodedEmptyBodyWorks() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);

    ForgeApi.Answer answer =
        api.postRaw(site + "/deployment/deploy", "application/x-www-form-urlencoded", "");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("site").isObject()).isTrue();
  }

  @Test
  void resetDeploymentStateEndsTheRunningDeployment() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.post(site + "/deployment/deploy");

    assertThat(api.post(site + "/deployment/reset").status()).isEqualTo(200);

    assertThat(api.get(site).json().at("/site/deployment_status").isNull()).isTrue();
    assertThat(api.get(site + "/deployment-history").json().at("/deployments/0/status").asText())
        .isEqualTo("failed");
  }

  @Test
  void theSiteListShowsEachSiteItsOwnDeploymentAndCertificateAsItsOwnViewDoes() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("list");
    String deployed =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "d.test");
    String secured =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "s.test");
    String plain = "servers/" + serverId + "/sites/" + api.createSite(serverId, "p.test");
    assertThat(api.post(deployed + "/deployment/deploy").status()).isEqualTo(200);
    api.post(
        secured + "/certificates/letsencrypt",
        java.util.Map.of("domains", java.util.List.of("s.test")));
    forge.manualClock().advance(Duration.ofSeconds(2));

    JsonNode list = api.get("servers/" + serverId + "/sites").json().get("sites");
    assertThat(list).hasSize(3);
    for (JsonNode listed : list) {
      String path = "servers/" + serverId + "/sites/" + listed.get("id").asLong();
      assertThat(listed).as(path).isEqualTo(api.get(path).json().get("site"));
    }
    assertThat(list)
        .extracting(s -> s.get("name").asText() + " " + s.get("deployment_status").asText())
        .contains("d.test deploying", "p.test null", "s.test null");
    forge.manualClock().advance(Duration.ofSeconds(60));
    JsonNode later = api.get("servers/" + serverId + "/sites").json().get("sites");
    assertThat(later)
        .extracting(s -> s.get("name").asText() + " " + s.get("is_secured").asBoolean())
        .containsExactlyInAnyOrder("d.test false", "s.test true", "p.test false");
    for (JsonNode listed : later) {
      String path = "servers/" + serverId + "/sites/" + listed.get("id").asLong();
      assertThat(listed).as(path).isEqualTo(api.get(path).json().get("site"));
    }
  }

  private static String siteWithRepository(ForgeApi api) {
    long serverId = forge.simulator().seedServer("main");
    return "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "a.test");
  }

  private static String deploymentStatus(ForgeApi api, String site) {
    return api.get(site).json().at("/site/deployment_status").asText();
  }
}
