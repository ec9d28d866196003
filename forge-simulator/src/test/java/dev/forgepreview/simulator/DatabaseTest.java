package dev.forgepreview.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatabaseTest {

  @RegisterExtension
  static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();

  @Test
  void databaseInstallsAfterConfiguredDelay() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    JsonNode created =
        api.post("servers/" + serverId + "/databases", Map.of("name", "pr_5")).json();

    assertThat(created.at("/database/status").asText()).isEqualTo("installing");
    long id = created.at("/database/id").asLong();
    forge.manualClock().advance(Duration.ofSeconds(5));
    JsonNode database = api.get("servers/" + serverId + "/databases/" + id).json().get("database");
    assertThat(database.get("status").asText()).isEqualTo("installed");
    assertThat(Fields.of(database)).contains("id", "name", "status", "created_at");
    assertThat(api.get("servers/" + serverId + "/databases").json().get("databases")).hasSize(1);
  }

  @Test
  void databaseNameWithDashIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer =
        api.post("servers/" + serverId + "/databases", Map.of("name", "ABC-123"));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().toString())
        .isEqualTo(
            "{\"name\":[\"The name must only contain letters, numbers, and underscores.\"]}");
  }

  @Test
  void duplicateDatabaseNameIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    api.post("servers/" + serverId + "/databases", Map.of("name", "pr_5"));

    ForgeApi.Answer answer = api.post("servers/" + serverId + "/databases", Map.of("name", "pr_5"));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().toString())
        .isEqualTo("{\"name\":[\"The name has already been taken.\"]}");
  }

  @Test
  void databaseWithoutNameIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer = api.post("servers/" + serverId + "/databases", Map.of());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().at("/name/0").asText()).isEqualTo("The name field is required.");
  }

  @Test
  void databaseWithUserCreatesUserWithAccess() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    long databaseId =
        api.post(
                "servers/" + serverId + "/databases",
                Map.of("name", "pr_6", "user", "pr_6", "password", "secret"))
            .json()
            .at("/database/id")
            .asLong();

    JsonNode users = api.get("servers/" + serverId + "/database-users").json().get("users");
    assertThat(users).hasSize(1);
    assertThat(users.get(0).get("name").asText()).isEqualTo("pr_6");
    assertThat(users.get(0).at("/databases/0").asLong()).isEqualTo(databaseId);
  }

  @Test
  void databaseUserInstallsAndItsAccessIsReplacedOnUpdate() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String base = "servers/" + serverId;
    long first =
        api.post(base + "/databases", Map.of("name", "one")).json().at("/database/id").asLong();
    long second =
        api.post(base + "/databases", Map.of("name", "two")).json().at("/database/id").asLong();

    JsonNode user =
        api.post(
                base + "/database-users",
                Map.of("name", "pr", "password", "secret", "databases", List.of(first)))
            .json()
            .get("user");
    assertThat(user.get("status").asText()).isEqualTo("installing");
    long userId = user.get("id").asLong();
    forge.manualClock().advance(Duration.ofSeconds(5));

    JsonNode updated =
        api.put(base + "/database-users/" + userId, Map.of("databases", List.of(second)))
            .json()
            .get("user");

    assertThat(updated.get("status").asText()).isEqualTo("installed");
    assertThat(updated.get("databases")).extracting(JsonNode::asLong).containsExactly(second);
    assertThat(api.get(base + "/database-users/" + userId).json().at("/user/databases/0").asLong())
        .isEqualTo(second);
  }

  @Test
  void duplicateDatabaseUserIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String users = "servers/" + serverId + "/database-users";
    api.post(users, Map.of("name", "pr", "password", "secret"));

    ForgeApi.Answer answer = api.post(users, Map.of("name", "pr", "password", "secret"));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().toString())
        .isEqualTo("{\"name\":[\"The name has already been taken.\"]}");
  }

  @Test
  void databaseUserWithUnknownDatabaseIsRejected() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");

    ForgeApi.Answer answer =
        api.post(
            "servers/" + serverId + "/database-users",
            Map.of("name", "pr", "password", "x", "databases", List.of(999_999)));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().has("databases")).isTrue();
  }

  @Test
  void deletingDatabaseRemovesItFromUsers() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    String base = "servers/" + serverId;
    long databaseId =
        api.post(base + "/databases", Map.of("name", "pr", "user", "pr", "password", "x"))
            .json()
            .at("/database/id")
            .asLong();

    assertThat(api.delete(base + "/databases/" + databaseId).status()).isEqualTo(200);

    assertThat(api.get(base + "/databases/" + databaseId).status()).isEqualTo(404);
    assertThat(api.get(base + "/database-users").json().at("/users/0/databases")).isEmpty();
  }

  @Test
  void deprecatedMysqlPathsServeTheSameResources() {
    ForgeApi api = new ForgeApi(forge.simulator());
    long serverId = forge.simulator().seedServer("main");
    api.post("servers/" + serverId + "/mysql", Map.of("name", "legacy"));
    api.post("servers/" + serverId + "/mysql-users", Map.of("name", "legacy", "password", "x"));

    assertThat(
            api.get("servers/" + serverId + "/databases").json().at("/databases/0/name").asText())
        .isEqualTo("legacy");
    assertThat(api.get("servers/" + serverId + "/mysql-users").json().at("/users/0/name").asText())
        .isEqualTo("legacy");
  }
}
