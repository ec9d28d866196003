package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET/PUT …/deployment/script} and quick deploy: the simulator stores the script (it never
 * runs it) and a deployment reports the commit the script's {@code git reset --hard} names.
 */
class DeploymentScriptTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void aNewSiteHasForgesDefaultScriptThatPullsTheBranch() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);

    ForgeApi.Answer script = api.get(site + "/deployment/script");

    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("git pull origin $FORGE_SITE_BRANCH");
  }

  @Test
  void theWrittenScriptIsStoredTrimmedAndReadBack() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    String content = "cd '/home/forge/a.test'\ngit reset --hard '" + SHA + "'\n";

    ForgeApi.Answer put = api.put(site + "/deployment/script", Map.of("content", content));

    assertThat(put.status()).isEqualTo(200);
    // Laravel's TrimStrings middleware trims request strings (inferred for Forge): so does this.
    assertThat(api.get(site + "/deployment/script").body()).isEqualTo(content.strip());
  }

  @Test
  void aScriptWithoutContentIsRefusedWithTheField() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);

    ForgeApi.Answer put = api.put(site + "/deployment/script", Map.of("auto_source", false));

    assertThat(put.status()).isEqualTo(422);
    assertThat(put.json().has("content")).isTrue();
  }

  @Test
  void aDeploymentReportsTheCommitItsScriptResetsTo() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.put(
        site + "/deployment/script",
        Map.of("content", "set -e\ncd /x\n  git reset --hard '" + SHA + "'\ncomposer install\n"));

    api.post(site + "/deployment/deploy");
    forge.manualClock().advance(Duration.ofMinutes(2));

    assertThat(
            api.get(site + "/deployment-history").json().at("/deployments/0/commit_hash").asText())
        .isEqualTo(SHA);
    assertThat(api.get(site + "/deployment/log").body()).contains(SHA);
  }

  @Test
  void aDeploymentOfAScriptThatPullsReportsTheBranchHeadNotAPinnedCommit() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = siteWithRepository(api);
    api.put(
        site + "/deployment/script",
        Map.of("content", "git pull origin main\n# git reset --hard " + SHA + "\n"));

    api.post(site + "/deployment/deploy");

    assertThat(
            api.get(site + "/deployment-history").json().at("/deployments/0/commit_hash").asText())
        .isNotEqualTo(SHA)
        .matches("[0-9a-f]{40}");
  }

  @Test
  void quickDeployIsOffUnlessTheSimulatedForgeTurnsItOnAtInstall() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String plain = siteWithRepository(api);
    assertThat(api.get(plain).json().at("/site/quick_deploy").asBoolean()).isFalse();

    forge.simulator().settings().quickDeployOnInstall(true);
    long serverId = forge.simulator().seedServer("other");
    String onByDefault =
        "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "b.test");
    assertThat(api.get(onByDefault).json().at("/site/quick_deploy").asBoolean()).isTrue();

    assertThat(api.delete(onByDefault + "/deployment").status()).isEqualTo(200);
    assertThat(api.get(onByDefault).json().at("/site/quick_deploy").asBoolean()).isFalse();
  }

  @Test
  void commitIsReadOnlyFromAResetLineWithAShaBareOrSingleQuoted() {
    assertThat(DeploymentRoutes.commitFromScript("git reset --hard abc1234\n")).contains("abc1234");
    assertThat(DeploymentRoutes.commitFromScript("git reset --hard 'abc1234'")).contains("abc1234");
    assertThat(DeploymentRoutes.commitFromScript("git reset --hard origin/main")).isEmpty();
    assertThat(DeploymentRoutes.commitFromScript("echo git reset --hard abc1234")).isEmpty();
    assertThat(DeploymentRoutes.commitFromScript(null)).isEmpty();
  }

  private static String siteWithRepository(ForgeApi api) {
    long serverId = forge.simulator().seedServer("main");
    return "servers/" + serverId + "/sites/" + api.createSiteWithRepository(serverId, "a.test");
  }
}
