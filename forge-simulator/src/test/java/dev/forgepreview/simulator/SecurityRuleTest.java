package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SecurityRuleTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void ruleIsCreatedListedShownAndDeletedWithoutEverShowingThePassword() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "a.test");

    ForgeApi.Answer created =
        api.post(
            site + "/security-rules",
            Map.of(
                "name",
                "forge-preview",
                "credentials",
                List.of(Map.of("username", "preview", "password", "s3cret-pass"))));

    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body()).doesNotContain("s3cret-pass");
    JsonNode rule = created.json().get("security_rule");
    assertThat(rule.get("name").asText()).isEqualTo("forge-preview");
    assertThat(rule.get("path").isNull()).isTrue();
    assertThat(rule.at("/credentials/0/username").asText()).isEqualTo("preview");
    long id = rule.get("id").asLong();
    ForgeApi.Answer listed = api.get(site + "/security-rules");
    assertThat(listed.json().get("security_rules")).hasSize(1);
    assertThat(listed.body()).doesNotContain("s3cret-pass");
    assertThat(api.get(site + "/security-rules/" + id).json().at("/security_rule/id").asLong())
        .isEqualTo(id);

    assertThat(api.delete(site + "/security-rules/" + id).status()).isEqualTo(200);
    assertThat(api.get(site + "/security-rules").json().get("security_rules")).isEmpty();
    assertThat(api.get(site + "/security-rules/" + id).status()).isEqualTo(404);
  }

  @Test
  void ruleWithoutCredentialsOrPasswordIsRefusedWith422() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "b.test");

    ForgeApi.Answer none = api.post(site + "/security-rules", Map.of("name", "x"));
    ForgeApi.Answer noPassword =
        api.post(
            site + "/security-rules",
            Map.of("name", "x", "credentials", List.of(Map.of("username", "preview"))));

    assertThat(none.status()).isEqualTo(422);
    assertThat(none.json().at("/credentials/0").asText())
        .isEqualTo("The credentials field is required.");
    assertThat(noPassword.status()).isEqualTo(422);
    assertThat(noPassword.json().at("/credentials.0.password/0").asText())
        .isEqualTo("The credentials.0.password field is required.");
    assertThat(forge.simulator().securityRules()).isEmpty();
  }

  @Test
  void protectedSiteRefusesRequestsWithoutTheCredentials() throws Exception {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "c.test");
    String url = forge.simulator().siteUrl("c.test");
    assertThat(get(url, null).statusCode()).isEqualTo(200);

    api.post(
        site + "/security-rules",
        Map.of(
            "name",
            "forge-preview",
            "credentials",
            List.of(Map.of("username", "preview", "password", "right-one"))));

    HttpResponse<String> anonymous = get(url, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"Restricted\"");
    assertThat(get(url, basic("preview", "wrong-one")).statusCode()).isEqualTo(401);
    HttpResponse<String> allowed = get(url + "login", basic("preview", "right-one"));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).isEqualTo("preview c.test/login\n");
    assertThat(get(forge.simulator().siteUrl("nowhere.test"), null).statusCode()).isEqualTo(404);
  }

  @Test
  void deletingTheSiteTakesItsRulesWithIt() {
    ForgeApi api = new ForgeApi(forge.simulator());
    String site = site(api, "d.test");
    api.post(
        site + "/security-rules",
        Map.of("name", "r", "credentials", List.of(Map.of("username", "u", "password", "p"))));
    assertThat(forge.simulator().securityRules()).hasSize(1);

    api.delete(site);
    forge.manualClock().advance(Duration.ofMinutes(5));

    assertThat(forge.simulator().securityRules()).isEmpty();
  }

  private static HttpResponse<String> get(String url, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String site(ForgeApi api, String domain) {
    long serverId = forge.simulator().seedServer("main-" + domain);
    return "servers/" + serverId + "/sites/" + api.createSite(serverId, domain);
  }
}
