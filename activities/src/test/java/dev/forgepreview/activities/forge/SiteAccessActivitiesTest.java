package dev.forgepreview.activities.forge;

import static dev.forgepreview.activities.forge.ForgeFixtures.calls;
import static dev.forgepreview.activities.forge.ForgeFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.activities.health.HealthActivitiesImpl;
import dev.forgepreview.activities.health.HealthConfig;
import dev.forgepreview.activities.http.SharedHttpClient;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import dev.forgepreview.workflows.PreviewSettings.BasicAuth;
import dev.forgepreview.workflows.activities.HealthActivities;
import dev.forgepreview.workflows.activities.HealthActivities.ConnectivityRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities;
import dev.forgepreview.workflows.activities.SiteAccessActivities.ProtectSiteRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities.UnprotectSiteRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Basic auth in front of a preview, against the simulator: the security rule, the site refusing
 * requests without its credentials, and the connectivity check that authenticates.
 */
class SiteAccessActivitiesTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final String DOMAIN = "pr-42-shop.preview.example.com";
  private static final String PREVIEW = "preview:acme:shop:42";
  private static final Map<String, Optional<BasicAuth>> CONFIGURED =
      Map.of(
          "acme/shop", Optional.of(new BasicAuth("preview", null)),
          "acme/blog", Optional.of(new BasicAuth("team", "${env:BLOG_PREVIEW_PASSWORD}")),
          "acme/open", Optional.empty());

  private ForgeSimulator simulator;
  private TestActivityEnvironment env;
  private SiteAccessActivities activities;
  private BasicAuthCredentials credentials;
  private long serverId;
  private long siteId;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
    simulator.settings().rateLimitPerMinute(0);
    credentials =
        new BasicAuthCredentials(
            ForgeFixtures.SECRETS,
            name -> name.equals("BLOG_PREVIEW_PASSWORD") ? "blog-password-from-env" : null,
            CONFIGURED::get);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new SiteAccessActivitiesImpl(ForgeFixtures.client(simulator), credentials),
        new HealthActivitiesImpl(SharedHttpClient.root(), HealthConfig.defaults(), credentials));
    activities = env.newActivityStub(SiteAccessActivities.class, once());
    serverId = simulator.seedServer("shared");
    siteId =
        ForgeFixtures.client(simulator)
            .createSite(serverId, new NewSite(DOMAIN, "php", "/public", true, "pr42", "php83"))
            .id();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static ActivityOptions once() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  private ProtectSiteRequest protect(String repository) {
    return new ProtectSiteRequest("r1", serverId, siteId, "forge-preview", repository, PREVIEW);
  }

  @Test
  void protectedPreviewRefusesAnonymousRequestsAndTheCheckAuthenticates() throws Exception {
    long ruleId = activities.protectSite(protect("acme/shop"));
    long again = activities.protectSite(protect("acme/shop"));

    assertThat(again).isEqualTo(ruleId);
    assertThat(calls(simulator, "POST", "servers/{id}/sites/{id}/security-rules")).isEqualTo(1);
    assertThat(simulator.securityRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.name()).isEqualTo("forge-preview");
              assertThat(rule.path()).isNull();
              assertThat(rule.usernames()).containsExactly("preview");
            });
    String url = simulator.siteUrl(DOMAIN);
    assertThat(anonymousGet(url)).isEqualTo(401);

    HealthActivities health = env.newActivityStub(HealthActivities.class, once());
    int code = health.checkConnectivity(new ConnectivityRequest("c1", url, "acme/shop", PREVIEW));
    assertThat(code).isEqualTo(200);

    // Another preview's derived password is not this one's: the check fails instead of passing.
    ApplicationFailure refused =
        failureOf(
            () ->
                health.checkConnectivity(
                    new ConnectivityRequest("c2", url, "acme/shop", "preview:acme:shop:43")));
    assertThat(refused.getType()).isEqualTo("NOT_READY");
    assertThat(refused.getOriginalMessage()).contains("401");
    // A request of a run from before basic auth carries no repository: the old rule, < 500 passes.
    assertThat(health.checkConnectivity(new ConnectivityRequest("c3", url))).isEqualTo(401);
  }

  @Test
  void theDerivedPasswordIsTheOneTheRuleWasGiven() throws Exception {
    activities.protectSite(protect("acme/shop"));
    String password = ForgeFixtures.SECRETS.basicAuthPassword(PREVIEW);

    assertThat(credentials.of("acme/shop", PREVIEW))
        .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo(password));
    assertThat(password)
        .hasSize(32)
        .matches("[A-Za-z0-9]+")
        .isNotEqualTo(ForgeFixtures.SECRETS.databasePassword(PREVIEW));
    assertThat(authenticatedGet(simulator.siteUrl(DOMAIN), "preview", password)).isEqualTo(200);
  }

  @Test
  void configuredPasswordComesFromTheWorkersEnvironment() throws Exception {
    activities.protectSite(protect("acme/blog"));

    String url = simulator.siteUrl(DOMAIN);
    assertThat(authenticatedGet(url, "team", "blog-password-from-env")).isEqualTo(200);
    assertThat(anonymousGet(url)).isEqualTo(401);
  }

  @Test
  void unsetPasswordVariableFailsWithoutCreatingAnOpenRule() {
    BasicAuthCredentials unset =
        new BasicAuthCredentials(ForgeFixtures.SECRETS, name -> null, CONFIGURED::get);
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    try {
      other.registerActivitiesImplementations(
          new SiteAccessActivitiesImpl(ForgeFixtures.client(simulator), unset));
      SiteAccessActivities stub = other.newActivityStub(SiteAccessActivities.class, once());

      ApplicationFailure failure = failureOf(() -> stub.protectSite(protect("acme/blog")));

      assertThat(failure.getType()).isEqualTo("INVALID_INPUT");
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains("BLOG_PREVIEW_PASSWORD", "not set");
      assertThat(simulator.securityRules()).isEmpty();
    } finally {
      other.close();
    }
  }

  @Test
  void unprotectDeletesTheRuleAndIsHarmlessWhenItIsGone() throws Exception {
    activities.protectSite(protect("acme/shop"));

    activities.unprotectSite(new UnprotectSiteRequest("d1", serverId, DOMAIN, "forge-preview"));
    activities.unprotectSite(new UnprotectSiteRequest("d2", serverId, DOMAIN, "forge-preview"));
    activities.unprotectSite(
        new UnprotectSiteRequest("d3", serverId, "gone.example.com", "forge-preview"));

    assertThat(simulator.securityRules()).isEmpty();
    assertThat(anonymousGet(simulator.siteUrl(DOMAIN))).isEqualTo(200);
  }

  private static int anonymousGet(String url) throws Exception {
    try (Response response =
        new OkHttpClient().newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code();
    }
  }

  private static int authenticatedGet(String url, String user, String password) throws Exception {
    try (Response response =
        new OkHttpClient()
            .newCall(
                new Request.Builder()
                    .url(url)
                    .header("Authorization", okhttp3.Credentials.basic(user, password))
                    .build())
            .execute()) {
      return response.code();
    }
  }
}
