package dev.forgepreview.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.Mode;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RepositorySettingsTest {

  private static RepositorySettings parse(String yaml) {
    return RepositorySettings.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "repositories.yaml");
  }

  @Test
  void builtInDefaultsThenFileDefaultsThenRepositoryWin() {
    RepositorySettings settings =
        parse(
            """
            defaults:
              domain: preview.example.com
              ttl: P3D
              timeouts: {serverReady: PT90M}
            repositories:
              Acme/Shop:
                trigger: comment
                mode: shared
                sharedServerId: 12
                environment: {MAIL_MAILER: log}
                timeouts: {deployment: PT20M}
            """);

    PreviewSettings shop = settings.find("acme", "shop").orElseThrow();
    assertThat(shop.repository()).isEqualTo("Acme/Shop");
    assertThat(shop.project()).isEqualTo("Shop");
    assertThat(shop.trigger()).isEqualTo(Trigger.COMMENT);
    assertThat(shop.mode()).isEqualTo(Mode.SHARED);
    assertThat(shop.sharedServerId()).isEqualTo(12L);
    assertThat(shop.domain()).isEqualTo("preview.example.com");
    assertThat(shop.ttl()).isEqualTo("P3D");
    assertThat(shop.timeouts().serverReady()).isEqualTo("PT90M");
    assertThat(shop.timeouts().deployment()).isEqualTo("PT20M");
    assertThat(shop.timeouts().deploymentPollInterval()).isEqualTo("PT10S");
    assertThat(shop.siteTemplate()).isEqualTo("pr-{number}-{project}.{domain}");
    assertThat(shop.environment()).containsEntry("MAIL_MAILER", "log");
    assertThat(shop.queueWorker().connection()).isEqualTo("redis");
    assertThat(settings.find("acme", "other")).isEmpty();
  }

  @Test
  void aComposeRepositoryGetsTheComposeHostDefaultsUnderWhatTheFileSays() {
    PreviewSettings s =
        parse(
                "repositories:\n  acme/api:\n    backend: compose\n    domain: p.dev\n"
                    + "    compose: {host: previews.acme.dev, sshUser: deploy, root: /srv/p,"
                    + " nginxConfigDirectory: /etc/nginx/p, portBase: 30000}\n"
                    + "  acme/shop: {domain: d.dev}\n")
            .find("acme", "api")
            .orElseThrow();
    assertThat(s.effectiveBackend()).isEqualTo(PreviewSettings.Backend.COMPOSE);
    assertThat(s.compose().portBase()).isEqualTo(30000);
    assertThat(s.compose().portCount()).isEqualTo(1000);
    assertThat(s.compose().sshPort()).isEqualTo(22);
    assertThat(s.compose().composeCommand()).isEqualTo("auto");
    assertThat(s.compose().nginxCommand()).containsExactly("nginx");
    assertThat(s.compose().routing()).isEqualTo(PreviewSettings.Routing.HOST);
    assertThat(s.compose().build()).isEqualTo("PT30M");
    assertThat(
            parse("repositories:\n  acme/shop: {domain: d.dev}\n")
                .find("acme", "shop")
                .orElseThrow()
                .effectiveBackend())
        .isEqualTo(PreviewSettings.Backend.FORGE);
  }

  @Test
  void aComposeRepositoryMayAllowOnlyThePreviewFilesServices() {
    String compose =
        "repositories:\n  acme/api:\n    backend: compose\n    domain: p.dev\n"
            + "    compose: {host: h.dev, sshUser: deploy, root: /srv/p,"
            + " nginxConfigDirectory: /etc/nginx/p}\n";
    PreviewSettings s =
        parse(compose + "    previewFile: {allow: [services]}\n").find("acme", "api").orElseThrow();
    assertThat(s.previewFile().allow()).containsExactly(PreviewSettings.PreviewFilePart.SERVICES);
    assertThat(s.previewFile().allows(PreviewSettings.PreviewFilePart.SERVICES)).isTrue();
    assertThatThrownBy(() -> parse(compose + "    previewFile: {allow: [services, environment]}\n"))
        .hasMessageContaining(
            "acme/api.previewFile.allow may hold only services with backend:" + " compose");
    assertThatThrownBy(() -> parse(compose + "    previewFile: {allow: [setup]}\n"))
        .hasMessageContaining("acme/api.previewFile.allow may hold only services");
    assertThatThrownBy(
            () ->
                parse(
                    "repositories:\n  acme/shop:\n    domain: d.dev\n"
                        + "    previewFile: {allow: [deploy, services]}\n"))
        .hasMessageContaining("acme/shop.previewFile.allow services is for backend: compose");
  }

  @Test
  void aComposeRepositoryWithoutItsHostOrWithATypoIsRefused() {
    assertThatThrownBy(
            () -> parse("repositories:\n  acme/api: {backend: compose, domain: p.dev}\n"))
        .hasMessageContaining("acme/api.compose is required with backend COMPOSE");
    assertThatThrownBy(
            () ->
                parse(
                    "repositories:\n  acme/api:\n    backend: compose\n    domain: p.dev\n"
                        + "    compose: {host: h.dev, sshUser: deploy, root: relative,"
                        + " nginxConfigDirectory: /etc/nginx/p, build: soon}\n"))
        .hasMessageContaining("acme/api.compose.root must be an absolute directory")
        .hasMessageContaining("acme/api.compose.build 'soon'");
    assertThatThrownBy(
            () ->
                parse(
                    "repositories:\n  acme/api:\n    backend: compose\n    domain: p.dev\n"
                        + "    compose: {host: h.dev, sshUser: deploy, root: /srv,"
                        + " nginxConfigDirectory: /etc/nginx/p, nginxConfig: x}\n"))
        .hasMessageContaining("nginxConfig");
  }

  @Test
  void snapshotSettingsDefaultToWeeklyAndTakeACronOrAnInterval() {
    RepositorySettings settings =
        parse(
            """
            defaults:
              domain: preview.example.com
            repositories:
              acme/shop:
                snapshot: {keep: 3, scrubScript: "UPDATE users SET email = CONCAT(id, '@example.test');"}
              acme/blog:
                snapshot: {schedule: P1D}
            """);
    PreviewSettings.Snapshot shop = settings.find("acme", "shop").orElseThrow().snapshot();
    assertThat(shop.schedule()).isEqualTo("0 3 * * 0");
    assertThat(shop.isInterval()).isFalse();
    assertThat(shop.keep()).isEqualTo(3);
    assertThat(shop.scrubScript()).startsWith("UPDATE users");
    PreviewSettings.Snapshot blog = settings.find("acme", "blog").orElseThrow().snapshot();
    assertThat(blog.schedule()).isEqualTo("P1D");
    assertThat(blog.isInterval()).isTrue();
    assertThat(blog.keep()).isEqualTo(2);
    assertThat(blog.scrubScript()).isNull();
  }

  @Test
  void aSnapshotScheduleThatIsNeitherCronNorIntervalIsRefusedAtItsLine() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      domain: d.dev
                    repositories:
                      acme/shop:
                        snapshot:
                          schedule: weekly
                    """))
        .hasMessageStartingWith(
            "repositories.yaml:6: acme/shop.snapshot.schedule 'weekly' is neither");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      domain: d.dev
                    repositories:
                      acme/shop:
                        snapshot: {schedule: PT1M, keep: 0}
                    """))
        .hasMessageContaining("acme/shop.snapshot.schedule must be at least PT5M")
        .hasMessageContaining("acme/shop.snapshot.keep must be at least 1");
  }

  @Test
  void mistakesNameTheFileTheLineAndTheKey() {
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {mode: dedicated}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("repositories.yaml:2: acme/shop.domain is required");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      domain: d.dev
                    repositories:
                      acme/shop:
                        mode: shared
                    """))
        .hasMessage("repositories.yaml:4: acme/shop.sharedServerId is required in mode SHARED");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      ttl: 7 days
                    repositories:
                      acme/shop:
                        domain: d.dev
                    """))
        .hasMessage(
            "repositories.yaml:2: acme/shop.ttl '7 days' is not an ISO-8601 duration like PT10M"
                + " or P7D");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    repositories:
                      acme/shop:
                        domain: d.dev
                        timeouts:
                          deployment: PT0S
                    """))
        .hasMessage("repositories.yaml:5: acme/shop.timeouts.deployment must be positive");
    assertThatThrownBy(
            () -> parse("repositories:\n  acme/shop: {domain: d.dev, environment: {bad-key: x}}\n"))
        .hasMessageContaining("acme/shop.environment.bad-key is not [A-Z_][A-Z0-9_]*");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    repositories:
                      acme/shop:
                        domain: d.dev
                        maxConcurrentPreviews: many
                    """))
        .hasMessageStartingWith("repositories.yaml:4: acme/shop.maxConcurrentPreviews: ");
    assertThatThrownBy(() -> parse("repositories:\n  'not a repo': {domain: d.dev}\n"))
        .hasMessage("repositories.yaml:2: 'not a repo' is not owner/repo");
    assertThatThrownBy(() -> parse("defaults: {domain: d.dev}\n"))
        .hasMessageContaining("lists no repository");
  }

  @Test
  void labelTriggerAndAdmissionSettingsAreReadAndChecked() {
    RepositorySettings settings =
        parse(
            """
            defaults:
              domain: d.dev
            repositories:
              acme/shop:
                trigger: label
                label: deploy-preview
                admission: {redisLastDatabase: 7, breakerFailures: 5}
            """);
    var shop = settings.find("acme", "shop").orElseThrow();
    assertThat(shop.trigger()).isEqualTo(dev.forgepreview.workflows.PreviewSettings.Trigger.LABEL);
    assertThat(shop.label()).isEqualTo("deploy-preview");
    assertThat(shop.admission())
        .isEqualTo(
            new dev.forgepreview.workflows.PreviewSettings.AdmissionSettings(1, 7, 5, "PT15M"));

    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      domain: d.dev
                    repositories:
                      acme/shop:
                        admission: {redisLastDatabase: 16}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "acme/shop.admission.redisLastDatabase must be below redisDatabases (16)");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      domain: d.dev
                    repositories:
                      acme/shop:
                        trigger: label
                        label: ""
                        admission: {breakerCoolDown: soon}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop.label is required with trigger LABEL")
        .hasMessageContaining(
            "acme/shop.admission.breakerCoolDown 'soon' is not an ISO-8601 duration");
  }

  @Test
  void unknownKeysAreRefusedWhereverTheyAre() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    repositories:
                      acme/shop:
                        domain: d.dev
                        colour: red
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("repositories.yaml:4: unknown key 'repositories.acme/shop.colour'");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults:
                      timeouts:
                        deploy: PT5M
                    repositories:
                      acme/shop: {domain: d.dev}
                    """))
        .hasMessageStartingWith("repositories.yaml:3: unknown key 'defaults.timeouts.deploy'");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    repos:
                      acme/shop: {domain: d.dev}
                    """))
        .hasMessageStartingWith("repositories.yaml:1: unknown key 'repos'");
    // The gateway's old parser accepted kebab-case and ignored what it did not know.
    assertThatThrownBy(
            () -> parse("repositories:\n  acme/shop: {domain: d.dev, shared-server-id: 1}\n"))
        .hasMessageContaining("unknown key 'repositories.acme/shop.shared-server-id'");
  }

  @Test
  void basicAuthTakesAUserAndAnEnvironmentReferenceButNeverAPassword() {
    RepositorySettings settings =
        parse(
            """
            defaults: {domain: d.dev}
            repositories:
              acme/shop:
                basicAuth: {username: preview}
              acme/blog:
                basicAuth: {username: team, password: "${env:BLOG_PASSWORD}"}
              acme/open: {}
            """);
    assertThat(settings.find("acme/shop").orElseThrow().basicAuth().generated()).isTrue();
    assertThat(settings.find("acme/blog").orElseThrow().basicAuth().password())
        .isEqualTo("${env:BLOG_PASSWORD}");
    assertThat(settings.find("acme/open").orElseThrow().basicAuth()).isNull();

    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop:
                        basicAuth: {username: preview, password: hunter2}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("repositories.yaml:4: acme/shop.basicAuth.password must be")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop:
                        basicAuth: {password: "${env:X}"}
                    """))
        .hasMessageContaining("acme/shop.basicAuth.username is required");
  }

  @Test
  void thePreviewFileIsNotReadUnlessARepositoryAllowsParts() {
    RepositorySettings settings =
        parse(
            """
            defaults: {domain: d.dev}
            repositories:
              acme/shop:
                previewFile: {allow: [environment, deploy]}
              acme/blog:
                previewFile: {path: ci/preview.yml, allow: [SETUP]}
              acme/open: {}
            """);
    PreviewSettings.PreviewFile shop = settings.find("acme/shop").orElseThrow().previewFile();
    assertThat(shop.path()).isEqualTo(".forge-preview.yml");
    assertThat(shop.allow())
        .containsExactly(
            PreviewSettings.PreviewFilePart.ENVIRONMENT, PreviewSettings.PreviewFilePart.DEPLOY);
    assertThat(settings.find("acme/blog").orElseThrow().previewFile().path())
        .isEqualTo("ci/preview.yml");
    assertThat(settings.find("acme/blog").orElseThrow().previewFile().allow())
        .containsExactly(PreviewSettings.PreviewFilePart.SETUP);
    assertThat(settings.find("acme/open").orElseThrow().previewFile().enabled()).isFalse();

    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop:
                        previewFile: {path: ../secrets.yml, allow: [setup]}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop.previewFile.path must be a relative path");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop:
                        previewFile: {allow: [services]}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop")
        .hasMessageContaining("previewFile");
  }

  @Test
  void certificateIsLetsEncryptWildcardOrNoneAndWildcardNamesItsSources() {
    RepositorySettings settings =
        parse(
            """
            defaults: {domain: d.dev}
            repositories:
              acme/shop: {}
              acme/old: {certificate: false}
              acme/yes: {certificate: true}
              acme/blog:
                certificate: wildcard
                wildcardCertificate: {certificate: /etc/ssl/wild.crt, key: "${env:WILD_KEY}"}
            """);
    assertThat(settings.find("acme/shop").orElseThrow().certificate())
        .isEqualTo(PreviewSettings.CertificateMode.LETSENCRYPT);
    assertThat(settings.find("acme/old").orElseThrow().certificate())
        .isEqualTo(PreviewSettings.CertificateMode.NONE);
    assertThat(settings.find("acme/yes").orElseThrow().certificate())
        .isEqualTo(PreviewSettings.CertificateMode.LETSENCRYPT);
    assertThat(settings.find("acme/blog").orElseThrow().wildcardCertificate().key())
        .isEqualTo("${env:WILD_KEY}");

    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop: {certificate: wildcard}
                    """))
        .hasMessageContaining(
            "acme/shop.wildcardCertificate is required with certificate: wildcard");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop:
                        certificate: wildcard
                        wildcardCertificate:
                          certificate: /etc/ssl/wild.crt
                          key: "-----BEGIN PRIVATE KEY----- MIIEplanted"
                    """))
        .hasMessageContaining("acme/shop.wildcardCertificate.key must name a PEM file")
        .hasMessageNotContaining("MIIEplanted");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop: {certificate: sometimes}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop.certificate");
  }

  @Test
  void aRepositoryListedTwiceIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop: {}
                      ACME/shop: {project: other}
                    """))
        .hasMessage(
            "repositories.yaml:4: 'ACME/shop' is listed twice (names are case-insensitive)");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: d.dev}
                    repositories:
                      acme/shop: {}
                      acme/shop: {}
                    """))
        .hasMessageContaining("repositories.yaml:4")
        .hasMessageContaining("Duplicate field 'acme/shop'");
  }

  @Test
  void yamlSyntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> parse("repositories:\n  acme/shop: {domain: d.dev\n  x: [\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("repositories.yaml:");
  }

  @Test
  void repositoriesWhosePreviewsWouldShareNamesAreRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: preview.example.com}
                    repositories:
                      org1/web: {}
                      org2/web: {}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("org1/web #1 and org2/web #1 would both get the site")
        .hasMessageContaining("set a different `project`");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: preview.example.com, mode: shared, sharedServerId: 5}
                    repositories:
                      acme/shop: {}
                      acme/blog: {}
                    """))
        .hasMessageContaining("acme/shop #1 and acme/blog #1 would both get the database pr_1");
    parse(
        """
        defaults: {domain: preview.example.com, mode: shared, sharedServerId: 5,
                   databaseTemplate: "pr_{number}_{project}"}
        repositories:
          acme/shop: {}
          acme/blog: {}
        """);
  }

  /**
   * The two cases. On the old code the first was accepted and both previews of PR 42 got
   * the server pr-42-web; the second passed the raw comparison though both sites are pr-N-my-shop.
   */
  @Test
  void theCheckRunsOnDerivedNames() {
    RepositorySettings accepted =
        parse(
            """
            repositories:
              org1/web: {domain: a.example}
              org2/web: {domain: b.example}
            """);
    assertThat(accepted.all()).hasSize(2);
    assertThatThrownBy(
            () ->
                parse(
                    """
                    defaults: {domain: preview.example.com}
                    repositories:
                      acme/my_shop: {}
                      acme/my-shop: {}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("repositories.yaml:")
        .hasMessageContaining(
            "acme/my_shop #1 and acme/my-shop #1 would both get the site"
                + " pr-1-my-shop.preview.example.com");
  }

  @Test
  void theShippedExampleFilesLoad() {
    for (String example :
        new String[] {
          "../deploy/config/repositories.example.yaml",
          "../e2e/src/test/resources/repositories.yaml"
        }) {
      assertThat(RepositorySettings.load(java.nio.file.Path.of(example)).find("acme", "shop"))
          .as(example)
          .isPresent();
    }
  }

  @Test
  void theWorkflowsFallbackTimeoutsAreTheBuiltInDefaults() {
    // PreviewActivityOptions falls back to Timeouts.defaults() for settings without timeouts; the
    // loader always fills them in from repository-defaults.yaml. The two must not drift apart.
    PreviewSettings loaded =
        parse("repositories:\n  acme/shop: {domain: d.dev}\n").all().iterator().next();
    assertThat(loaded.timeouts()).isEqualTo(PreviewSettings.Timeouts.defaults());
  }

  @Test
  void deployScriptDefaultsToTheBuiltInOneAndATemplateWithoutTheShaIsRefused() {
    String base = "repositories:\n  acme/shop:\n    domain: p.example.com\n";
    assertThat(parse(base).find("acme", "shop").orElseThrow().deployScript()).isNull();

    PreviewSettings custom =
        parse(
                base
                    + "    deployScript: |\n"
                    + "      cd {site_path}\n"
                    + "      git fetch origin {branch} && git reset --hard {sha}\n")
            .find("acme", "shop")
            .orElseThrow();
    assertThat(custom.deployScript()).contains("git reset --hard {sha}");

    assertThatThrownBy(
            () ->
                parse(base + "    deployScript: \"cd {site_path} && git pull origin {branch}\"\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("acme/shop.deployScript must use {sha}");
  }
}
