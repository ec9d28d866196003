package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault soak: many previews at once against a Forge simulator that answers a seeded share of
 * requests with 5xx (half of those on POST, PUT and DELETE only after carrying the request out),
 * adds latency and a burst of 429s; the worker is SIGKILLed once while provisioning, once while a
 * deliberately failed deploy is rolled back and once while tearing down; the Temporal dev server
 * restarts once. Every preview must end READY (FAILED and rolled back where its deploy was made to
 * fail), then DESTROYED once closed, with nothing of it left on the simulator and nothing created
 * twice.
 *
 * <p>Each kill lands at a known point without any timing guess: the simulator holds one chosen
 * request (the first database create, the first server delete of a rollback, the first site delete
 * of a teardown), the soak waits until it is held, kills the worker, then lets the request go on,
 * so Forge carries it out while its caller is dead. Waits are bounded and say which preview was in
 * which phase when they give up.
 *
 * <p>Used by {@link FaultSoakTest} (6 previews in {@code .ci/run}) and, through it, by {@code
 * bin/benchmarks --only soak} (20 previews).
 */
final class FaultSoak {
  static final String REPOSITORY = "acme/soak";
  private static final Logger log = LoggerFactory.getLogger(FaultSoak.class);
  private static final String DATABASE_CREATE = "/databases$";
  private static final String SERVER_DELETE = "/servers/\\d+$";
  private static final String SITE_DELETE = "/servers/\\d+/sites/\\d+$";

  /**
   * @param previews how many previews run at once (at most the repository's maxConcurrentPreviews)
   * @param failingDeploys how many of them (the last numbers) get a deploy that fails on purpose
   * @param seed the seed of the simulator's injected server errors, reported for a rerun
   */
  record Config(
      int previews,
      int firstNumber,
      int failingDeploys,
      long seed,
      double serverErrorShare,
      double afterCommitShare,
      int latencyMillis,
      int rateLimitBurst) {

    /** From {@code -Dsoak.previews} (6) and {@code -Dsoak.seed} (random, reported). */
    static Config fromSystemProperties() {
      int previews = Integer.getInteger("soak.previews", 6);
      if (previews < 2 || previews > 20) {
        throw new IllegalArgumentException(
            "soak.previews must be 2..20 (acme/soak's maxConcurrentPreviews): " + previews);
      }
      String seed = System.getProperty("soak.seed", "");
      return new Config(
          previews,
          7001,
          previews >= 10 ? 2 : 1,
          seed.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(seed),
          0.2,
          0.5,
          200,
          25);
    }

    List<Integer> numbers() {
      List<Integer> numbers = new ArrayList<>();
      for (int i = 0; i < previews; i++) {
        numbers.add(firstNumber + i);
      }
      return numbers;
    }

    boolean deployFails(int number) {
      return number >= firstNumber + previews - failingDeploys;
    }

    /** Bounded, and generous: each kill costs an activity timeout (1 to 2 minutes). */
    Duration settleLimit() {
      return Duration.ofMinutes(8).plusSeconds(20L * previews);
    }
  }

  /** What the soak did and saw, for the log, the test report and the benchmark. */
  record Figures(
      Config config,
      Map<String, Long> stages,
      List<String> events,
      long calls,
      long serverErrors,
      long serverErrorsAfterCommit,
      long rateLimited,
      Map<String, Integer> created,
      int ready,
      int failed,
      int destroyed) {

    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append(
          String.format(
              Locale.ROOT,
              "| figure | value |\n|---|---|\n"
                  + "| previews at once | %d (%d with a deploy failed on purpose) |\n"
                  + "| seed of the injected faults | %d (rerun: -Dsoak.seed=%d) |\n"
                  + "| Forge API calls | %d |\n"
                  + "| injected 5xx, request not carried out | %d |\n"
                  + "| injected 5xx after carrying the request out | %d |\n"
                  + "| 429 answers (burst of %d forced, plus the real limit) | %d |\n"
                  + "| latency added to every answer | %d ms |\n"
                  + "| worker SIGKILLs / Temporal restarts | 3 / 1 |\n"
                  + "| ended READY / FAILED (rolled back) / DESTROYED | %d / %d / %d |\n",
              config.previews(),
              config.failingDeploys(),
              config.seed(),
              config.seed(),
              calls,
              serverErrors,
              serverErrorsAfterCommit,
              config.rateLimitBurst(),
              rateLimited,
              config.latencyMillis(),
              ready,
              failed,
              destroyed));
      created.forEach(
          (kind, count) ->
              md.append("| ").append(kind).append(" created | ").append(count).append(" |\n"));
      stages.forEach(
          (stage, seconds) ->
              md.append("| ").append(stage).append(" | ").append(seconds).append(" s |\n"));
      md.append("\nEvents, in order:\n\n");
      events.forEach(e -> md.append("- ").append(e).append('\n'));
      return md.toString();
    }
  }

  private final E2eSystem system;
  private final Config config;
  private final Instant started = Instant.now();
  private final List<String> events = new ArrayList<>();
  private final Map<String, Long> stages = new LinkedHashMap<>();

  FaultSoak(E2eSystem system, Config config) {
    this.system = system;
    this.config = config;
  }

  Figures run() throws Exception {
    JsonNode callsBefore = system.simulatorGet("calls");
    try {
      return soak(callsBefore);
    } finally {
      // Whatever happened, the shared simulator goes back to serving without faults.
      ObjectNode clear = E2eSystem.JSON.createObjectNode().put("clear", true);
      system.simulatorPost("faults", clear);
    }
  }

  private Figures soak(JsonNode callsBefore) throws Exception {
    List<Integer> numbers = config.numbers();
    List<Integer> failing = numbers.stream().filter(config::deployFails).toList();
    ObjectNode faults = E2eSystem.JSON.createObjectNode();
    faults.put("serverErrorShare", config.serverErrorShare());
    faults.put("seed", config.seed());
    faults.put("afterCommitShare", config.afterCommitShare());
    faults.put("latencyMillis", config.latencyMillis());
    faults.put(
        "failDeploysOfSites",
        "^pr-("
            + failing.stream().map(String::valueOf).collect(Collectors.joining("|"))
            + ")-soak\\.");
    faults.putArray("hold").add(hold("POST", DATABASE_CREATE)).add(hold("DELETE", SERVER_DELETE));
    system.simulatorPost("faults", faults);
    event(
        "faults on: %.0f %% 5xx (seed %d, %.0f %% of those on writes after carrying them out),"
            + " %d ms latency, deploys of #%s fail",
        config.serverErrorShare() * 100,
        config.seed(),
        config.afterCommitShare() * 100,
        config.latencyMillis(),
        failing);

    Instant provisioning = Instant.now();
    for (int number : numbers) {
      int answer = system.sendPullRequest(REPOSITORY, "opened", number, E2eSystem.randomSha());
      assertThat(answer).as("the gateway's answer to opened #%d", number).isBetween(200, 299);
    }
    event("opened %d pull requests", numbers.size());

    String held = killWhileHeld("POST", "provisioning", numbers);
    event("SIGKILL of the worker while provisioning, holding %s", held);
    system.simulatorPost(
        "faults", E2eSystem.JSON.createObjectNode().put("rateLimitNext", config.rateLimitBurst()));
    event("burst: the next %d Forge requests answered 429", config.rateLimitBurst());
    system.stopTemporal();
    system.startTemporal();
    event("Temporal dev server restarted (SIGTERM, same database file)");

    held = killWhileHeld("DELETE", "rollback", failing);
    event("SIGKILL of the worker while rolling back, holding %s", held);

    Map<Integer, JsonNode> settled =
        awaitAll(
            "every preview to be READY, or FAILED and rolled back where its deploy fails",
            number -> config.deployFails(number) ? "FAILED" : "READY");
    stages.put("provisioning (open → all settled)", seconds(provisioning));
    for (int number : failing) {
      JsonNode status = settled.get(number);
      assertThat(status.path("failedStep").asText())
          .as("failed step of #%d: %s", number, status)
          .isNotBlank();
      assertThat(status.path("rolledBack"))
          .as("what was rolled back for #%d: %s", number, status)
          .isNotEmpty();
      assertThat(system.resources(serverName(number)).none())
          .as("nothing of the rolled-back #%d is left: %s", number, system.inventory())
          .isTrue();
    }

    Instant teardown = Instant.now();
    system.simulatorPost(
        "faults",
        E2eSystem.JSON.createObjectNode().set("hold", array(hold("DELETE", SITE_DELETE))));
    for (int number : numbers) {
      int answer = system.sendPullRequest(REPOSITORY, "closed", number, E2eSystem.randomSha());
      assertThat(answer).as("the gateway's answer to closed #%d", number).isBetween(200, 299);
    }
    event("closed %d pull requests", numbers.size());
    held = killWhileHeld("DELETE", "teardown", numbers);
    event("SIGKILL of the worker while tearing down, holding %s", held);

    Map<Integer, JsonNode> ended =
        awaitAll(
            "every preview to be DESTROYED (FAILED ones stay FAILED)",
            number -> config.deployFails(number) ? "FAILED" : "DESTROYED");
    stages.put("teardown (close → all destroyed)", seconds(teardown));

    JsonNode inventory = system.inventory();
    for (int number : numbers) {
      assertThat(system.resources(serverName(number)).none())
          .as("what the simulator still holds of #%d: %s", number, inventory)
          .isTrue();
    }
    Map<String, Integer> created = checkCreations(numbers);
    for (int number : numbers) {
      assertThat(system.github.comments("acme", "soak", number))
          .as("PR comments on #%d (each update edits the one comment)", number)
          .hasSize(1);
    }

    JsonNode callsAfter = system.simulatorGet("calls");
    stages.put("soak in all", seconds(started));
    int ready = numbers.size() - failing.size();
    return new Figures(
        config,
        new LinkedHashMap<>(stages),
        List.copyOf(events),
        delta(callsBefore, callsAfter, "total"),
        delta(callsBefore, callsAfter, "server_errors"),
        delta(callsBefore, callsAfter, "server_errors_after_commit"),
        delta(callsBefore, callsAfter, "rate_limited"),
        created,
        ready,
        (int) ended.values().stream().filter(s -> phase(s).equals("FAILED")).count(),
        (int) ended.values().stream().filter(s -> phase(s).equals("DESTROYED")).count());
  }

  /**
   * Each preview reached the server, site, database, database user and deploy steps exactly once: a
   * retry after a 5xx (carried out or not), a SIGKILL or a restart adopted what was there.
   */
  private Map<String, Integer> checkCreations(List<Integer> numbers) {
    JsonNode created = system.simulatorGet("created");
    Map<String, Integer> totals = new LinkedHashMap<>();
    for (String kind :
        List.of(
            "servers",
            "sites",
            "databases",
            "databaseUsers",
            "workers",
            "certificates",
            "deployments")) {
      JsonNode byName = created.path(kind).path("byName");
      int total = 0;
      for (int number : numbers) {
        String name = nameOf(kind, number);
        int count = byName.path(name).asInt(0);
        total += count;
        if (List.of("workers", "certificates").contains(kind)) {
          // Non-critical steps: a preview may go without, never with two.
          assertThat(count).as("%s created for %s: %s", kind, name, byName).isBetween(0, 1);
        } else {
          assertThat(count).as("%s created named %s: %s", kind, name, byName).isEqualTo(1);
        }
      }
      totals.put(kind, total);
    }
    return totals;
  }

  private static String nameOf(String kind, int number) {
    return switch (kind) {
      case "servers" -> serverName(number);
      case "databases", "databaseUsers" -> "pr_" + number;
      default -> "pr-" + number + "-soak.preview.localhost";
    };
  }

  /** acme/soak's dedicated server: {@code pr-{number}-{project}} and its owner hash (README). */
  static String serverName(int number) {
    return "pr-" + number + "-soak-a85946";
  }

  /**
   * Waits until the simulator holds a {@code method} request (armed beforehand), SIGKILLs the
   * worker, lets the request go on (Forge carries it out for a caller that is gone) and starts a
   * new worker. Returns the held request.
   */
  private String killWhileHeld(String method, String during, List<Integer> previews)
      throws Exception {
    String request =
        E2eSystem.await(
            "the simulator to hold a " + method + " request during " + during,
            config.settleLimit(),
            () ->
                firstHeld(method)
                    .orElseGet(
                        () -> {
                          failIfAnyPreviewFailedUnexpectedly();
                          return null;
                        }),
            this::phases);
    String server = serverOf(request);
    List<String> expected = previews.stream().map(FaultSoak::serverName).toList();
    if (!expected.contains(server)) {
      system.simulatorPost("release", E2eSystem.JSON.createObjectNode());
      fail(
          "the held "
              + request
              + " is for server "
              + server
              + ", not one of "
              + expected
              + ": did another test's preview run beside the soak?");
    }
    system.killWorker();
    system.simulatorPost("release", E2eSystem.JSON.createObjectNode());
    system.startWorker();
    return request + " (" + server + ")";
  }

  /** The name of the server a request's path is under, e.g. {@code /api/v1/servers/3/...}. */
  private String serverOf(String request) {
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("/servers/(\\d+)").matcher(request);
    if (!id.find()) {
      return "(none)";
    }
    for (JsonNode server : system.inventory().path("servers")) {
      if (server.path("id").asText().equals(id.group(1))) {
        return server.path("name").asText();
      }
    }
    return "(server " + id.group(1) + " is gone)";
  }

  private Optional<String> firstHeld(String method) {
    for (JsonNode held : system.simulatorGet("faults").path("held")) {
      if (held.asText().startsWith(method + " ")) {
        return Optional.of(held.asText());
      }
    }
    return Optional.empty();
  }

  private void failIfAnyPreviewFailedUnexpectedly() {
    for (int number : config.numbers()) {
      if (!config.deployFails(number)) {
        system
            .status(E2eSystem.workflowId(REPOSITORY, number))
            .filter(s -> List.of("FAILED", "TEARDOWN_FAILED").contains(phase(s)))
            .ifPresent(s -> fail("#" + number + " ended " + phase(s) + ": " + s.toPrettyString()));
      }
    }
  }

  /**
   * Waits until every preview is in the phase {@code expected} gives it; fails early on a wrong
   * end.
   */
  private Map<Integer, JsonNode> awaitAll(
      String what, java.util.function.IntFunction<String> expected) {
    Map<Integer, JsonNode> last = new LinkedHashMap<>();
    E2eSystem.await(
        what,
        config.settleLimit(),
        () -> {
          boolean all = true;
          for (int number : config.numbers()) {
            Optional<JsonNode> status = system.status(E2eSystem.workflowId(REPOSITORY, number));
            status.ifPresent(s -> last.put(number, s));
            String phase = status.map(FaultSoak::phase).orElse("(no answer)");
            String wanted = expected.apply(number);
            if (!phase.equals(wanted) && isFinal(phase)) {
              fail(
                  "#"
                      + number
                      + " ended "
                      + phase
                      + " instead of "
                      + wanted
                      + ": "
                      + status.get().toPrettyString()
                      + "\n"
                      + phases());
            }
            all &= phase.equals(wanted);
          }
          return all ? Boolean.TRUE : null;
        },
        this::phases);
    event("%s: done", what);
    return last;
  }

  /** One line per preview: phase, failed step, the newest step and its message. */
  private String phases() {
    StringBuilder out = new StringBuilder("phases now:");
    for (int number : config.numbers()) {
      Optional<JsonNode> status = system.status(E2eSystem.workflowId(REPOSITORY, number));
      out.append("\n  #").append(number).append(": ");
      if (status.isEmpty()) {
        out.append("(no status answer)");
        continue;
      }
      JsonNode s = status.get();
      out.append(phase(s));
      if (!s.path("failedStep").asText().isEmpty()) {
        out.append(", failed step ").append(s.path("failedStep").asText());
      }
      JsonNode steps = s.path("steps");
      if (steps.size() > 0) {
        JsonNode step = steps.get(steps.size() - 1);
        out.append(", last step ")
            .append(step.path("name").asText())
            .append(' ')
            .append(step.path("state").asText())
            .append(" after ")
            .append(step.path("attempts").asInt())
            .append(" attempt(s)");
        if (!step.path("message").asText().isEmpty()) {
          out.append(": ").append(step.path("message").asText());
        }
      }
    }
    out.append("\nsimulator faults: ").append(system.simulatorGet("faults"));
    return out.toString();
  }

  private static boolean isFinal(String phase) {
    return List.of("FAILED", "DESTROYED", "TEARDOWN_FAILED").contains(phase);
  }

  private static String phase(JsonNode status) {
    return status.path("phase").asText();
  }

  private static ObjectNode hold(String method, String path) {
    return E2eSystem.JSON.createObjectNode().put("method", method).put("path", path);
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode array(JsonNode item) {
    return E2eSystem.JSON.createArrayNode().add(item);
  }

  private static long delta(JsonNode before, JsonNode after, String field) {
    return after.path(field).asLong() - before.path(field).asLong();
  }

  private void event(String format, Object... args) {
    String line =
        String.format(Locale.ROOT, "%+4d s: ", Duration.between(started, Instant.now()).toSeconds())
            + String.format(Locale.ROOT, format, args);
    log.info("soak {}", line);
    events.add(line);
  }

  private static long seconds(Instant since) {
    return Duration.between(since, Instant.now()).toSeconds();
  }
}
