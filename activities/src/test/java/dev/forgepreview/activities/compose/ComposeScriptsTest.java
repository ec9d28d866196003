package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the host's shell receives, for the forms this machine cannot run (compose v2). */
class ComposeScriptsTest {

  private static ComposeValues values(String composeCommand) {
    return values(composeCommand, ComposeInputValidationTest.host().routing());
  }

  private static ComposeValues values(String composeCommand, Routing routing) {
    ComposeHost h = ComposeInputValidationTest.host();
    ComposeHost host =
        new ComposeHost(
            h.host(),
            h.sshPort(),
            h.sshUser(),
            h.root(),
            h.repositoryUrl(),
            composeCommand,
            routing,
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
        ComposeScripts.composeFile(
            values("auto"),
            Map.of("GREETING", "say \"hi\"\n$HOME \\ done"),
            ComposeTemplates.Framework.DOCKERFILE);
    assertThat(yaml)
        .contains("      GREETING: \"say \\\"hi\\\"\\n$$HOME \\\\ done\"\n")
        .contains("      PORT: \"20007\"\n")
        .contains("    labels:\n      dev.forgepreview.preview: \"fp-shop-pr7\"\n")
        .contains("    mem_limit: \"512m\"\n")
        .contains("    cpus: 1.0\n");
  }

  @Test
  void extraServicesGetTheAppsNetworkLabelAndLimitsAndOnlyTheirOwnQuotedValues() {
    java.util.Map<String, dev.forgepreview.activities.github.PreviewFile.Service> services =
        new java.util.LinkedHashMap<>();
    services.put(
        "worker",
        new dev.forgepreview.activities.github.PreviewFile.Service(
            "docker/worker",
            null,
            java.util.List.of("sh", "-c", "echo \"$QUEUE\""),
            Map.of("QUEUE", "a $(id) \" b")));
    services.put(
        "cache",
        new dev.forgepreview.activities.github.PreviewFile.Service(
            null, "redis:7", null, Map.of()));
    String yaml =
        ComposeScripts.composeFile(
            values("auto"),
            Map.of("SECRET", "app only"),
            ComposeTemplates.Framework.DOCKERFILE,
            services);
    String worker = yaml.substring(yaml.indexOf("  worker:\n"), yaml.indexOf("  cache:\n"));
    assertThat(worker)
        .isEqualTo(
            "  worker:\n"
                + "    build: \"./src/docker/worker\"\n"
                + "    command:\n"
                + "      - \"sh\"\n"
                + "      - \"-c\"\n"
                + "      - \"echo \\\"$$QUEUE\\\"\"\n"
                + "    network_mode: host\n"
                + "    restart: unless-stopped\n"
                + "    environment:\n"
                + "      QUEUE: \"a $$(id) \\\" b\"\n"
                + "    labels:\n"
                + "      dev.forgepreview.preview: \"fp-shop-pr7\"\n"
                + "    mem_limit: \"512m\"\n"
                + "    cpus: 1.0\n");
    assertThat(yaml.substring(yaml.indexOf("  cache:\n")))
        .isEqualTo(
            "  cache:\n"
                + "    image: \"redis:7\"\n"
                + "    network_mode: host\n"
                + "    restart: unless-stopped\n"
                + "    labels:\n"
                + "      dev.forgepreview.preview: \"fp-shop-pr7\"\n"
                + "    mem_limit: \"512m\"\n"
                + "    cpus: 1.0\n");
    assertThat(yaml.indexOf("SECRET")).isLessThan(yaml.indexOf("  worker:\n"));
  }

  @Test
  void templatesBuildTheirGeneratedDockerfileAndWriteItWithoutOutsideValues() {
    String yaml =
        ComposeScripts.composeFile(
            values("auto"), Map.of("NODE_ENV", "it's"), ComposeTemplates.Framework.NESTJS);
    assertThat(yaml)
        .contains(
            "  app:\n    build:\n      context: ./src\n      dockerfile:"
                + " \".forge-preview.Dockerfile\"\n")
        .contains("      NODE_ENV: \"it's\"\n");
    assertThat(ComposeTemplates.Framework.NESTJS.dockerfile())
        .startsWith(
            "# generated by forge-preview for a NestJS app (package.json)\nFROM node:20-alpine\n")
        .contains("RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi\n")
        .endsWith("CMD [\"node\", \"dist/main\"]\n");
    assertThat(ComposeTemplates.Framework.GO.dockerfile())
        .contains("FROM golang:1.22-alpine AS build\n")
        .endsWith("FROM alpine:3.20\nCOPY --from=build /out/app /app\nCMD [\"/app\"]\n");
    String script = ComposeScripts.writeGenerated(values("auto"), ComposeTemplates.Framework.GO);
    assertThat(script)
        .contains("printf '%s' '# generated by forge-preview for a Go module")
        .contains(" > \"$dir/src/.forge-preview.Dockerfile\"\n")
        .contains("cat > \"$dir/docker-compose.yml.partial\"\n");
    assertThat(ComposeScripts.writeGenerated(values("auto"), ComposeTemplates.Framework.DOCKERFILE))
        .doesNotContain(".forge-preview.Dockerfile");
    assertThat(ComposeScripts.detect(values("auto")))
        .contains("elif [ -f \"$src/Dockerfile\" ]; then echo dockerfile\n")
        .contains("grep -q '\"@nestjs/core\"' \"$src/package.json\"");
  }

  @Test
  void aProtectedSiteAsksForItsOwnHtpasswdFileInHostAndPathRouting() {
    String auth =
        "        auth_basic \"forge-preview fp-shop-pr7\";\n"
            + "        auth_basic_user_file /etc/nginx/previews/fp-shop-pr7.htpasswd;\n";
    assertThat(
            ComposeScripts.nginxSite(
                values("auto", Routing.HOST), "pr-7-shop.preview.acme.dev", null, true))
        .contains("    server_name pr-7-shop.preview.acme.dev;\n")
        .contains("    location / {\n        proxy_pass http://127.0.0.1:20007;\n" + auth);
    assertThat(
            ComposeScripts.nginxSite(
                values("auto", Routing.PATH), "preview.acme.dev", "/pr-7/", true))
        .contains("location /pr-7/ {\n        proxy_pass http://127.0.0.1:20007/;\n" + auth);
    assertThat(ComposeScripts.nginxSite(values("auto"), "preview.acme.dev", "/pr-7/"))
        .doesNotContain("auth_basic");
    // the hash travels on stdin, never in the command; the teardown removes the file too
    assertThat(ComposeScripts.writeHtpasswd(values("auto")))
        .contains("file='/etc/nginx/previews/fp-shop-pr7.htpasswd'\n")
        .contains("cat > \"$file.partial\"\n")
        .doesNotContain("apr1");
    assertThat(ComposeScripts.removeNginx(values("auto")))
        .contains("users='/etc/nginx/previews/fp-shop-pr7.htpasswd'\n")
        .endsWith("rm -f \"$users\"\n");
    // an htpasswd file left alone (a crash between the two writes) is still found by the cleanup
    assertThat(ComposeScripts.listProjects(values("auto")))
        .contains(" '/etc/nginx/previews'/fp-*.htpasswd; do\n")
        .contains("name=${name%.conf}; name=${name%.htpasswd}\n");
  }

  @Test
  void pathRoutingWritesALocationBlockAndTlsAServerBlockWithTheCertificate() {
    assertThat(ComposeScripts.nginxSite(values("auto"), "preview.acme.dev", "/pr-7/"))
        .contains("location /pr-7/ {")
        .contains("proxy_pass http://127.0.0.1:20007/;")
        .doesNotContain("server {");
  }
}
