package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestHandlingTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void missingTokenIsUnauthenticated() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).withToken(null).get("servers");

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().toString()).isEqualTo("{\"message\":\"Unauthenticated.\"}");
  }

  @Test
  void wrongTokenIsUnauthenticated() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).withToken("nope").get("servers");

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().get("message").asText()).isEqualTo("Unauthenticated.");
  }

  @Test
  void unknownIdIsNotFoundAsText() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).get("servers/123456");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEqualTo("Resource not found.");
  }

  @Test
  void siteOfAnotherServerIsNotFound() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long one = forge.simulator().seedServer("one");
    long two = forge.simulator().seedServer("two");
    long siteId = api.createSite(one, "a.test");

    assertThat(api.get("servers/" + two + "/sites/" + siteId).status()).isEqualTo(404);
  }

  @Test
  void unknownPathIsNotFound() {
    ForgeApi.Answer answer = new ForgeApi(forge.simulator()).get("no/such/thing");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEqualTo("Resource not found.");
  }

  @Test
  void malformedJsonIsRejectedWithMessage() {
    ForgeApi api = new ForgeApi(forge.simulator());

    ForgeApi.Answer answer = api.postRaw("servers", "application/json", "{\"provider\":");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).isNotBlank();
  }

  @Test
  void formEncodedBodiesAreAccepted() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer site =
        api.postRaw(
            "servers/" + serverId + "/sites",
            "application/x-www-form-urlencoded",
            "domain=pr-1.example.com&project_type=php&isolated=1&username=pr_1"
                + "&aliases%5B0%5D=www.pr-1.example.com&aliases%5B1%5D=alt.example.com");

    assertThat(site.status()).isEqualTo(200);
    JsonNode body = site.json().get("site");
    assertThat(body.get("isolated").asBoolean()).isTrue();
    assertThat(body.get("aliases"))
        .extracting(JsonNode::asText)
        .containsExactly("www.pr-1.example.com", "alt.example.com");
    String path = "servers/" + serverId + "/sites/" + body.get("id").asLong();
    ForgeApi.Answer certificate =
        api.postRaw(
            path + "/certificates/letsencrypt",
            "application/x-www-form-urlencoded",
            "domains[0]=pr-1.example.com&domains[1]=www.pr-1.example.com");
    assertThat(certificate.status()).isEqualTo(200);
    assertThat(certificate.json().at("/certificate/domain").asText())
        .isEqualTo("pr-1.example.com,www.pr-1.example.com");
    ForgeApi.Answer worker =
        api.postRaw(
            path + "/workers",
            "application/x-www-form-urlencoded",
            "connection=redis&daemon=0&force=true&timeout=90");
    assertThat(worker.json().at("/worker/daemon").asInt()).isZero();
    assertThat(worker.json().at("/worker/force").asInt()).isEqualTo(1);
    assertThat(worker.json().at("/worker/timeout").asInt()).isEqualTo(90);
  }

  @Test
  void invalidBooleanIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer =
        api.postRaw(
            "servers/" + serverId + "/sites",
            "application/x-www-form-urlencoded",
            "domain=a.test&isolated=maybe");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/isolated/0").asText())
        .isEqualTo("The isolated field must be true or false.");
  }

  @Test
  void wrongMethodOnKnownPathIsMethodNotAllowed() {
    ForgeApi api = new ForgeApi(forge.simulator());

    assertThat(api.put("servers", java.util.Map.of()).status()).isEqualTo(405);
  }
}
