package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Previews on one shared server get Redis databases of their own, and a teardown flushes only its
 * own, checked in a real {@code redis-server}. The shared server is seeded in the simulator at
 * 127.0.0.1 (by {@link E2eSystem}, before the worker starts), so the worker's flush reaches Redis
 * the way it reaches a Forge server's: over SSH (OpenSSH's {@code sshd} of the compose host) with
 * {@code redis-cli -n N FLUSHDB}. The repository gives its previews two databases, so a third
 * preview waits QUEUED for one and gets it only after the teardown that flushed it.
 */
@ExtendWith(E2eExtension.class)
class SharedServerRedisE2eTest {
  private static final String REPO = "acme/cache";

  @Test
  void previewsOnASharedServerNeverShareARedisDatabaseAndATeardownFlushesOnlyItsOwn(
      E2eSystem system) throws Exception {
    E2eSystem.require(system.redis != null, String.valueOf(system.redisMissing));
    LoopbackRedis redis = system.redis;
    String first = E2eSystem.workflowId(REPO, 601);
    String second = E2eSystem.workflowId(REPO, 602);
    String third = E2eSystem.workflowId(REPO, 603);
    assertThat(system.sendPullRequest(REPO, "opened", 601, E2eSystem.randomSha()))
        .isBetween(200, 299);
    assertThat(system.sendPullRequest(REPO, "opened", 602, E2eSystem.randomSha()))
        .isBetween(200, 299);

    int firstDb = redisDatabase(system.awaitPhase(first, "READY"));
    int secondDb = redisDatabase(system.awaitPhase(second, "READY"));
    assertThat(firstDb).isNotEqualTo(secondDb);
    assertThat(java.util.List.of(firstDb, secondDb)).containsExactlyInAnyOrder(1, 2);

    // Each preview's app has written to its own database.
    redis.set(firstDb, "session", "of-601");
    redis.set(secondDb, "session", "of-602");

    // A third preview finds no free database and waits for one.
    assertThat(system.sendPullRequest(REPO, "opened", 603, E2eSystem.randomSha()))
        .isBetween(200, 299);
    JsonNode queued =
        system.awaitPhase(
            third,
            "QUEUED",
            s -> s.path("queue").path("reason").isTextual(),
            " with its place (a preview is QUEUED before its coordinator tells it why)");
    assertThat(queued.at("/queue/reason").asText()).containsIgnoringCase("redis");

    // Closing the first tears it down: its database is flushed, the second's is untouched.
    assertThat(system.sendPullRequest(REPO, "closed", 601, E2eSystem.randomSha()))
        .isBetween(200, 299);
    system.awaitPhase(first, "DESTROYED");
    assertThat(redis.size(firstDb)).isZero();
    assertThat(redis.get(secondDb, "session")).isEqualTo("of-602");

    // The freed database goes to the waiting preview, empty.
    int thirdDb = redisDatabase(system.awaitPhase(third, "READY"));
    assertThat(thirdDb).isEqualTo(firstDb);
    assertThat(redis.size(thirdDb)).isZero();

    for (int number : new int[] {602, 603}) {
      assertThat(system.sendPullRequest(REPO, "closed", number, E2eSystem.randomSha()))
          .isBetween(200, 299);
    }
    system.awaitPhase(second, "DESTROYED");
    system.awaitPhase(third, "DESTROYED");
    assertThat(redis.size(secondDb)).isZero();
  }

  /**
   * The repositories file's entry of {@value #REPO}: shared mode on the server the suite seeds at
   * 127.0.0.1 ({@link E2eSystem}), two Redis databases.
   */
  static String repositoryEntry(long serverId) {
    return String.join(
        "\n",
        "  # A shared server whose Redis is real (SharedServerRedisE2eTest): two databases.",
        "  " + REPO + ":",
        "    trigger: auto",
        "    mode: shared",
        "    sharedServerId: " + serverId,
        "    domain: preview.localhost",
        "    certificate: false",
        "    queueWorker: null",
        "    ttl: P1D",
        "    admission: {redisFirstDatabase: 1, redisLastDatabase: 2}",
        "    timeouts:",
        "      resourcePollInterval: PT1S",
        "      deploymentPollInterval: PT1S",
        "      healthTries: 1",
        "      healthInterval: PT1S",
        "      connectivityTries: 1",
        "      connectivityInterval: PT1S",
        "");
  }

  private static int redisDatabase(JsonNode status) {
    JsonNode db = status.at("/names/redisDatabase");
    assertThat(db.isInt()).as("names.redisDatabase in %s", status).isTrue();
    return db.asInt();
  }
}
