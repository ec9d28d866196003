package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.forgepreview.activities.forge.Forge.NewDatabase;
import dev.forgepreview.activities.forge.Forge.NewSite;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.simulator.ForgeSimulatorExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each kind of failure becomes its own exception, naming the call but nothing secret. */
class ForgeClientErrorsTest {
  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  private ForgeSimulator simulator;
  private ForgeClient client;

  @BeforeEach
  void setUp() {
    simulator = forge.simulator();
    client = ForgeFixtures.client(simulator);
  }

  @Test
  void wrongTokenIsAnAuthenticationFailureThatDoesNotShowTheToken() {
    ForgeClient wrong = ForgeFixtures.client(simulator, "wrong-token-123");

    ForgeAuthenticationException e =
        catchThrowableOfType(ForgeAuthenticationException.class, wrong::listServers);

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.method()).isEqualTo("GET");
    assertThat(e.pathTemplate()).isEqualTo("servers");
    assertThat(e.getMessage()).contains("GET servers", "401").doesNotContain("wrong-token-123");
    assertThat(wrong.config().toString()).doesNotContain("wrong-token-123");
  }

  @Test
  void unknownServerIsNotFound() {
    ForgeNotFoundException e =
        catchThrowableOfType(ForgeNotFoundException.class, () -> client.getServer(999_999));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).contains("servers/{server}").doesNotContain("999999");
  }

  @Test
  void refusedDataIsAValidationFailureWithTheFieldMessages() {
    long serverId = simulator.seedServer("shared");

    ForgeValidationException e =
        catchThrowableOfType(
            ForgeValidationException.class,
            () -> client.createDatabase(serverId, new NewDatabase("bad-name")));

    assertThat(e.status()).isEqualTo(422);
    assertThat(e.errors()).containsKey("name");
    assertThat(e.errors().get("name").get(0)).contains("letters, numbers, and underscores");
    assertThat(e.getMessage()).contains("name: ");
    assertThat(e.isAlreadyTaken()).isFalse();
  }

  @Test
  void duplicateDomainIsAlreadyTaken() {
    long serverId = simulator.seedServer("shared");
    NewSite site = new NewSite("a.example.com", "php", "/public", true, "pra", null);
    client.createSite(serverId, site);

    ForgeValidationException e =
        catchThrowableOfType(
            ForgeValidationException.class, () -> client.createSite(serverId, site));

    assertThat(e.errors()).containsKey("domain");
    assertThat(e.isAlreadyTaken()).isTrue();
  }

  @Test
  void rateLimitCarriesTheRetryAfterDelay() {
    simulator.faults().rateLimitNext(1);

    ForgeRateLimitedException e =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  @Test
  void rateLimitWithoutRetryAfterWaitsUntilTheReset() {
    simulator.settings().sendRetryAfter(false).rateLimitPerMinute(2);
    client.listServers();
    simulator.manualClock().advance(Duration.ofSeconds(20));
    client.listServers();

    ForgeRateLimitedException e =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    // The first request leaves the window 60 s after it was made, 40 s from now.
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void rateLimitWithoutHeadersWaitsAMinute() {
    simulator.faults().respondWith("GET", "servers$", 429, "{\"message\":\"Too Many Attempts.\"}");
    simulator.settings().rateLimitPerMinute(0);

    ForgeRateLimitedException e =
        catchThrowableOfType(ForgeRateLimitedException.class, client::listServers);

    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void refusedActionCarriesForgesMessage() {
    long serverId = simulator.seedServer("shared");
    long siteId =
        client
            .createSite(serverId, new NewSite("a.example.com", "php", "/public", true, "pra", null))
            .id();
    simulator.manualClock().advance(Duration.ofMinutes(1));

    ForgeActionFailedException e =
        catchThrowableOfType(
            ForgeActionFailedException.class, () -> client.deploy(serverId, siteId));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.forgeMessage()).contains("does not yet have an application installed");
  }

  @Test
  void serverErrorIsAServerFailure() {
    simulator.faults().serverErrors(1.0);

    ForgeServerException e = catchThrowableOfType(ForgeServerException.class, client::listServers);

    assertThat(e.status()).isIn(500, 503);
  }

  @Test
  void closedPortIsATransportFailure() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ForgeClient closed =
        new ForgeClient(ForgeClientConfig.of("http://127.0.0.1:" + port + "/api/v1", "t0ken"));

    ForgeTransportException e =
        catchThrowableOfType(ForgeTransportException.class, closed::listServers);

    assertThat(e.status()).isZero();
    assertThat(e.getCause()).isInstanceOf(IOException.class);
    assertThat(e.getMessage()).contains("GET servers").doesNotContain("t0ken");
  }

  @Test
  void invalidJsonIsAResponseFailure() {
    simulator.faults().respondWith("GET", "servers$", 200, "{\"servers\": [");

    assertThatThrownBy(client::listServers)
        .isInstanceOf(ForgeResponseException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void missingWrapperIsAResponseFailure() {
    simulator.faults().respondWith("GET", "servers$", 200, "{\"data\": []}");

    assertThatThrownBy(client::listServers)
        .isInstanceOf(ForgeResponseException.class)
        .hasMessageContaining("no 'servers'");
  }

  @Test
  void wrongTypesAreAResponseFailure() {
    long serverId = simulator.seedServer("shared");
    simulator
        .faults()
        .respondWith("GET", "servers$", 200, "{\"servers\": {\"id\": 1}}")
        .respondWith("GET", "servers/\\d+$", 200, "{\"server\": {\"id\": \"abc\"}}")
        .respondWith("GET", "servers/\\d+$", 200, "{\"server\": {\"name\": \"no id\"}}")
        .respondWith("GET", "databases$", 200, "[1, 2]")
        .respondWith("GET", "databases$", 200, "{\"databases\": [{\"id\": 1, \"name\": []}]}");

    assertThatThrownBy(client::listServers).isInstanceOf(ForgeResponseException.class);
    assertThatThrownBy(() -> client.getServer(serverId))
        .isInstanceOf(ForgeResponseException.class)
        .hasMessageNotContaining("abc");
    assertThatThrownBy(() -> client.getServer(serverId))
        .isInstanceOf(ForgeResponseException.class)
        .hasMessageContaining("positive id");
    assertThatThrownBy(() -> client.listDatabases(serverId))
        .isInstanceOf(ForgeResponseException.class);
    assertThatThrownBy(() -> client.listDatabases(serverId))
        .isInstanceOf(ForgeResponseException.class);
  }

  @Test
  void unexpectedStatusIsAResponseFailure() {
    simulator.faults().respondWith("GET", "servers$", 409, "{}");

    ForgeResponseException e =
        catchThrowableOfType(ForgeResponseException.class, client::listServers);

    assertThat(e.status()).isEqualTo(409);
  }

  @Test
  void configAndPasswordRecordsMaskTheirSecrets() {
    assertThat(ForgeClientConfig.of("http://127.0.0.1/api/v1", "tok-en-42").toString())
        .doesNotContain("tok-en-42")
        .contains("***");
    assertThat(new Forge.NewDatabaseUser("u", "Pa55word99", List.of()).toString())
        .doesNotContain("Pa55word99");
  }
}
