package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.forgepreview.activities.ssh.SshConnector;
import dev.forgepreview.activities.ssh.SshSettings;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities.CheckoutRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeUpRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.NginxSiteRequest;
import dev.forgepreview.workflows.activities.ComposeActivities.RenderComposeRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shell metacharacters through every field of every compose request: each is refused with {@code
 * INVALID_INPUT} before a connection is even tried (the connector here points at a closed port, so
 * anything that got as far as SSH would fail {@code TRANSIENT} instead).
 */
class ComposeInputValidationTest {
  private static final List<String> NASTY =
      List.of("x$(touch /tmp/fp-meta)", "x;id", "x`id`", "x\nid", "x'y", "x y", "x|id", "x&&id");
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  private final ComposeActivitiesImpl compose =
      new ComposeActivitiesImpl(
          new SshConnector(
              new SshSettings(
                  Path.of("/nonexistent/key"),
                  null,
                  null,
                  null,
                  List.of("SHA256:" + "A".repeat(43)),
                  null,
                  null,
                  null)),
          name -> null,
          repository -> null);

  static ComposeHost host() {
    return new ComposeHost(
        "127.0.0.1",
        1,
        "deploy",
        "/srv/previews",
        "https://github.com/{repository}.git",
        "auto",
        Routing.PATH,
        List.of("nginx", "-c", "/etc/nginx/nginx.conf"),
        "/etc/nginx/previews",
        "127.0.0.1",
        8080,
        20000,
        1000,
        "512m",
        "1.0",
        "/etc/ssl/wild.pem",
        "/etc/ssl/wild.key",
        "/health",
        "PT30M",
        "PT5M");
  }

  private static ComposeHost with(UnaryOperator<List<Object>> change) {
    ComposeHost h = host();
    List<Object> f =
        new ArrayList<>(
            java.util.Arrays.asList(
                h.host(),
                h.sshPort(),
                h.sshUser(),
                h.root(),
                h.repositoryUrl(),
                h.composeCommand(),
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
                h.health()));
    f = change.apply(f);
    @SuppressWarnings("unchecked")
    List<String> nginx = (List<String>) f.get(7);
    return new ComposeHost(
        (String) f.get(0),
        (int) f.get(1),
        (String) f.get(2),
        (String) f.get(3),
        (String) f.get(4),
        (String) f.get(5),
        (Routing) f.get(6),
        nginx,
        (String) f.get(8),
        (String) f.get(9),
        (int) f.get(10),
        (int) f.get(11),
        (int) f.get(12),
        (String) f.get(13),
        (String) f.get(14),
        (String) f.get(15),
        (String) f.get(16),
        (String) f.get(17),
        (String) f.get(18),
        (String) f.get(19));
  }

  private static ComposeTarget target(ComposeHost host) {
    return new ComposeTarget("rid", host, "fp-shop-pr7", 20007);
  }

  /** Every request of the interface, for one target. */
  private Stream<Consumer<ComposeTarget>> everyCall() {
    return Stream.of(
        t -> compose.checkoutSource(new CheckoutRequest(t, "acme/shop", SHA)),
        t -> compose.renderComposeFile(new RenderComposeRequest(t, Map.of(), null)),
        t ->
            compose.composeUp(
                new ComposeUpRequest(
                    t, "/srv/previews/fp-shop-pr7/docker-compose.yml", Map.of(), null)),
        compose::awaitAppHealthy,
        t -> compose.publishNginxSite(new NginxSiteRequest(t, "preview.acme.dev", "/pr-7/")),
        t -> compose.removeNginxSite(new NginxSiteRequest(t, "preview.acme.dev", "/pr-7/")),
        compose::composeDown,
        compose::removeWorkDirectory);
  }

  static Stream<Arguments> hostFields() {
    Map<String, Integer> textFields = new java.util.LinkedHashMap<>();
    textFields.put("host", 0);
    textFields.put("sshUser", 2);
    textFields.put("root", 3);
    textFields.put("composeCommand", 5);
    textFields.put("nginxConfigDirectory", 8);
    textFields.put("listenAddress", 9);
    textFields.put("memoryLimit", 13);
    textFields.put("cpus", 14);
    textFields.put("tlsCertificate", 15);
    textFields.put("tlsCertificateKey", 16);
    textFields.put("healthPath", 17);
    textFields.put("build", 18);
    List<Arguments> cases = new ArrayList<>();
    textFields.forEach(
        (name, index) -> {
          for (String nasty : NASTY) {
            cases.add(Arguments.of(name, with(f -> set(f, index, "/a" + nasty))));
          }
        });
    for (String nasty : NASTY) {
      cases.add(Arguments.of("nginxCommand", with(f -> set(f, 7, List.of("nginx", "-c", nasty)))));
    }
    cases.add(Arguments.of("nginxCommand (an option first)", with(f -> set(f, 7, List.of("-x")))));
    cases.add(Arguments.of("sshPort", with(f -> set(f, 1, 70000))));
    return cases.stream();
  }

  private static List<Object> set(List<Object> fields, int index, Object value) {
    fields.set(index, value);
    return fields;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostFields")
  void aHostSettingWithShellMetacharactersIsRefusedByEveryActivity(String field, ComposeHost host) {
    everyCall().forEach(call -> assertInvalid(() -> call.accept(target(host))));
  }

  static Stream<String> nasty() {
    return NASTY.stream();
  }

  @ParameterizedTest
  @MethodSource("nasty")
  void requestFieldsWithShellMetacharactersAreRefused(String nasty) {
    ComposeTarget good = target(host());
    ComposeTarget badProject = new ComposeTarget("rid", host(), "fp-shop" + nasty, 20007);
    everyCall().forEach(call -> assertInvalid(() -> call.accept(badProject)));
    assertInvalid(
        () -> compose.checkoutSource(new CheckoutRequest(good, "acme/shop" + nasty, SHA)));
    assertInvalid(
        () -> compose.checkoutSource(new CheckoutRequest(good, "acme/shop", SHA + nasty)));
    ComposeTarget badUrl =
        target(with(f -> set(f, 4, "https://github.com/{repository}.git" + nasty)));
    assertInvalid(() -> compose.checkoutSource(new CheckoutRequest(badUrl, "acme/shop", SHA)));
    assertInvalid(
        () ->
            compose.renderComposeFile(
                new RenderComposeRequest(good, Map.of("KEY" + nasty, "v"), null)));
    assertInvalid(
        () ->
            compose.composeUp(
                new ComposeUpRequest(
                    good, "/srv/previews/fp-shop-pr7/docker-compose.yml" + nasty, Map.of(), null)));
    assertInvalid(
        () ->
            compose.composeUp(
                new ComposeUpRequest(
                    good,
                    "/srv/previews/fp-shop-pr7/docker-compose.yml",
                    Map.of("KEY" + nasty, "value"),
                    null)));
    assertInvalid(
        () ->
            compose.publishNginxSite(
                new NginxSiteRequest(good, "preview.acme.dev" + nasty, "/pr-7/")));
    assertInvalid(
        () ->
            compose.publishNginxSite(
                new NginxSiteRequest(good, "preview.acme.dev", "/pr-7" + nasty + "/")));
    assertThat(Path.of("/tmp/fp-meta")).doesNotExist();
  }

  @ParameterizedTest
  @MethodSource("nasty")
  void aComposeFileOutsideThePreviewsDirectoryIsRefused(String ignored) {
    assertInvalid(
        () ->
            compose.composeUp(
                new ComposeUpRequest(
                    target(host()), "/srv/previews/fp-other-pr1/x.yml", Map.of(), null)));
    assertInvalid(
        () ->
            compose.composeUp(
                new ComposeUpRequest(
                    target(host()),
                    "/srv/previews/fp-shop-pr7/../fp-other/x.yml",
                    Map.of(),
                    null)));
  }

  private static void assertInvalid(Runnable call) {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call::run);
    assertThat(failure).as("refused").isNotNull();
    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
  }
}
