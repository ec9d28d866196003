package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the host's shell receives, for the forms this machine cannot run (compose v2). */
class ComposeScriptsTest {

  private static ComposeValues values(String composeCommand) {
    ComposeHost h = ComposeInputValidationTest.host();
    ComposeHost host =
        new ComposeHost(
            h.host(),
            h.sshPort(),
            h.sshUser(),
            h.root(),
            h.repositoryUrl(),
            composeCommand,
            h.routing(),
            h.nginxCommand(),
            h.nginxConfigDirectory(),
            h.listenAddress(),
            h.listenPort(),
            h.portBase(),
            h.portCount(),
            h.memoryLimit(),
            h.cpus(),
            h.tlsCertificate(),
            h.tlsCertificateKey(),
            h.healthPath(),
            h.build(),
            h.health());
    return ComposeValues.of(new ComposeTarget("rid", host, "fp-shop-pr7", 20007));
  }

  @Test
  void composeV2IsTheDockerPluginWithOneUpBuild() {
    assertThat(
            ComposeScripts.upCommand(values("docker compose"), "/srv/previews/fp-shop-pr7/c.yml"))
        .isEqualTo(
            "( . \"$dir/preview.env\"; docker compose -p 'fp-shop-pr7'"
                + " -f '/srv/previews/fp-shop-pr7/c.yml' up -d --build --remove-orphans )");
  }

  @Test
  void composeV1BuildsWithForceRmSoAFailedStepLeavesNoContainer() {
    assertThat(ComposeScripts.upCommand(values("docker-compose"), "/srv/x/c.yml"))
        .isEqualTo(
            "( . \"$dir/preview.env\"; docker-compose -p 'fp-shop-pr7' -f '/srv/x/c.yml' build"
                + " --force-rm && docker-compose -p 'fp-shop-pr7' -f '/srv/x/c.yml' up -d"
                + " --remove-orphans )");
  }

  @Test
  void theEnvironmentTravelsAsQuotedAssignmentsOnStdinNotOnTheCommandLine() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SECRET", "it's $(id)");
    assertThat(ComposeScripts.environmentFile(values("auto"), env))
        .isEqualTo("export 'SECRET=it'\\''s $(id)'\nexport 'PORT=20007'\n");
    assertThat(ComposeScripts.up(values("auto"), "/srv/previews/fp-shop-pr7/c.yml"))
        .doesNotContain("SECRET")
        .contains("umask 077");
  }

  @Test
  void autoDetectsThePluginFirst() {
    assertThat(values("auto").compose().shellFunction())
        .startsWith("if docker compose version >/dev/null 2>&1; then");
    assertThat(ComposeScripts.down(values("docker compose")))
        .contains("compose() { docker compose \"$@\"; }")
        .contains("down -v --remove-orphans --rmi local");
  }

  @Test
  void generatedComposeValuesAreYamlQuotedAndNotInterpolated() {
    String yaml =
        ComposeScripts.composeFile(values("auto"), Map.of("GREETING", "say \"hi\"\n$HOME \\ done"));
    assertThat(yaml)
        .contains("      GREETING: \"say \\\"hi\\\"\\n$$HOME \\\\ done\"\n")
        .contains("      PORT: \"20007\"\n")
        .contains("    labels:\n      dev.forgepreview.preview: \"fp-shop-pr7\"\n")
        .contains("    mem_limit: \"512m\"\n")
        .contains("    cpus: 1.0\n");
  }

  @Test
  void pathRoutingWritesALocationBlockAndTlsAServerBlockWithTheCertificate() {
    assertThat(ComposeScripts.nginxSite(values("auto"), "preview.acme.dev", "/pr-7/"))
        .contains("location /pr-7/ {")
        .contains("proxy_pass http://127.0.0.1:20007/;")
        .doesNotContain("server {");
  }
}
