package dev.forgepreview.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A burst of ten pull requests for a cap of three (acme/burst), through two gateways into two
 * workers: never more than three slots held, checked on the coordinator's whole grant/release
 * history; the rest QUEUED with their positions; every preview READY once earlier ones close. Then
 * the README's breaker-reset and coordinator-query lines, word for word.
 */
@ExtendWith(E2eExtension.class)
class AdmissionE2eTest {
  private static final Logger log = LoggerFactory.getLogger(AdmissionE2eTest.class);
  static final String REPO = "acme/burst";
  static final String COORDINATOR = "admission:acme:burst";
  private static final int CAP = 3;

  @Test
  void aBurstBeyondTheCapQueuesAndDrainsWithNeverMoreThanTheCapHeld(E2eSystem system)
      throws Exception {
    try {
      int secondGateway = system.startExtraGateway();
      system.startExtraWorker();
      Figures figures = burst(system, List.of(0, secondGateway), 10, 300);
      log.info(
          "admission burst: {} PRs, cap {}: max held {}, positions seen {}, all READY after {} s",
          10,
          CAP,
          figures.maxHeld(),
          figures.positions(),
          figures.allReady().toSeconds());
      assertThat(figures.maxHeld()).isEqualTo(CAP);
      assertThat(figures.positions()).contains(1, 2, 3, 4, 5, 6, 7);

      readmeBreakerLines(system);
    } finally {
      // The suite shares one system: later tests count one worker's requests.
      system.stopExtras();
    }
  }

  /**
   * What a burst showed: the most slots held at once, the positions seen, the time to all READY.
   */
  record Figures(int maxHeld, Set<Integer> positions, Duration allReady) {}

  /**
   * Opens {@code count} pull requests numbered from {@code first}, alternating between the gateways
   * ({@code 0}: the main one), then closes each READY preview until every one has been READY.
   */
  static Figures burst(E2eSystem system, List<Integer> gateways, int count, int first)
      throws Exception {
    Instant start = Instant.now();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int number = first + i;
      ids.add(E2eSystem.workflowId(REPO, number));
      int port = gateways.get(i % gateways.size());
      int status =
          port == 0
              ? system.sendPullRequest(REPO, "opened", number, E2eSystem.randomSha())
              : system.sendPullRequest(port, REPO, "opened", number, E2eSystem.randomSha());
      assertThat(status).isBetween(200, 299);
    }
    Set<Integer> positions = new TreeSet<>();
    E2eSystem.await(
        CAP + " READY and the rest QUEUED with positions",
        Duration.ofMinutes(5),
        () -> {
          int ready = 0;
          int queued = 0;
          for (String id : ids) {
            Optional<JsonNode> status = system.status(id);
            String phase = status.map(s -> s.path("phase").asText()).orElse("");
            if (phase.equals("READY")) {
              ready++;
            } else if (phase.equals("QUEUED") && status.get().path("queue").has("position")) {
              queued++;
              positions.add(status.get().path("queue").path("position").asInt());
            }
          }
          return ready == CAP && queued == count - CAP ? true : null;
        },
        () -> "positions so far " + positions);

    Set<String> wasReady = new LinkedHashSet<>();
    Set<String> closed = new HashSet<>();
    Instant allReady = null;
    while (closed.size() < count) {
      String next =
          E2eSystem.await(
              "another READY preview of " + REPO,
              Duration.ofMinutes(5),
              () -> {
                for (String id : ids) {
                  if (closed.contains(id)) {
                    continue;
                  }
                  Optional<JsonNode> status = system.status(id);
                  status
                      .filter(s -> s.path("phase").asText().equals("QUEUED"))
                      .ifPresent(s -> positions.add(s.path("queue").path("position").asInt()));
                  if (status.map(s -> s.path("phase").asText().equals("READY")).orElse(false)) {
                    return id;
                  }
                }
                return null;
              },
              () -> "closed " + closed);
      wasReady.add(next);
      if (wasReady.size() == count && allReady == null) {
        allReady = Instant.now();
      }
      int number = Integer.parseInt(next.substring(next.lastIndexOf(':') + 1));
      assertThat(system.sendPullRequest(REPO, "closed", number, E2eSystem.randomSha()))
          .isBetween(200, 299);
      system.awaitPhase(next, "DESTROYED");
      closed.add(next);
    }
    positions.remove(0);
    int maxHeld = maxHeld(system);
    return new Figures(maxHeld, positions, Duration.between(start, allReady));
  }

  /**
   * The most slots held at once over the coordinator's whole history (every run): a grant is an
   * {@code admitted} signal it sent, a release a {@code release} signal it received for a holder.
   */
  static int maxHeld(E2eSystem system) {
    List<HistoryEvent> events = new ArrayList<>();
    system.client().fetchHistory(COORDINATOR).getEvents().forEach(events::add);
    Set<String> held = new HashSet<>();
    int max = 0;
    int grants = 0;
    for (HistoryEvent event : events) {
      if (event.getEventType() == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
          && event
              .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
              .getSignalName()
              .equals("admitted")) {
        grants++;
        held.add(
            event
                .getSignalExternalWorkflowExecutionInitiatedEventAttributes()
                .getWorkflowExecution()
                .getWorkflowId());
        max = Math.max(max, held.size());
      } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
          && event
              .getWorkflowExecutionSignaledEventAttributes()
              .getSignalName()
              .equals("release")) {
        String payload =
            event
                .getWorkflowExecutionSignaledEventAttributes()
                .getInput()
                .getPayloads(0)
                .getData()
                .toStringUtf8();
        try {
          held.remove(E2eSystem.JSON.readTree(payload).path("previewId").asText());
        } catch (java.io.IOException e) {
          throw new IllegalStateException("unreadable release " + payload, e);
        }
      }
    }
    assertThat(grants).as("grants in the coordinator's history").isGreaterThanOrEqualTo(CAP);
    return max;
  }

  /** The README's resetBreaker and admission query lines for this run's coordinator. */
  private static void readmeBreakerLines(E2eSystem system) throws Exception {
    List<String> temporal =
        system.readmeCommands("temporal").stream()
            .filter(c -> c.contains("admission:acme:shop"))
            .map(c -> c.replace("admission:acme:shop", COORDINATOR).replace("acme/shop", REPO))
            .toList();
    assertThat(temporal).hasSize(2);
    for (String command : temporal) {
      E2eSystem.CliResult result = system.shell(command);
      assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
      if (command.contains("query")) {
        assertThat(result.output()).contains("\"holders\"").contains("\"granted\"");
      }
    }
    E2eSystem.require(
        E2eSystem.tctl().isPresent(),
        "TCTL is not set (.ci/e2e.sh builds tctl v1.18.4 and sets it)");
    List<String> tctl =
        system.readmeCommands("tctl").stream()
            .filter(c -> c.contains("admission:acme:shop"))
            .map(
                c ->
                    c.replace("127.0.0.1:7233", system.temporalAddress())
                        .replace("admission:acme:shop", COORDINATOR)
                        .replace("acme/shop", REPO))
            .toList();
    assertThat(tctl).hasSize(1);
    E2eSystem.CliResult reset = system.shell(tctl.get(0));
    assertThat(reset.exitCode()).as(reset.output()).isZero();
  }
}
