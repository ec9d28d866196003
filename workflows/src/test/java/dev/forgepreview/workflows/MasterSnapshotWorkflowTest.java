package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotRequest;
import dev.forgepreview.workflows.MasterSnapshotWorkflow.SnapshotStatus;
import dev.forgepreview.workflows.MasterSnapshotWorkflow.State;
import dev.forgepreview.workflows.PreviewSettings.Snapshot;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.RefreshSnapshotRequest;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.SnapshotResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The schedule's workflow on the time-skipping test server: what it asks the SSH activity for, what
 * it reports, and how long it keeps retrying a master it cannot reach.
 */
class MasterSnapshotWorkflowTest {
  private static final String SCRUB = "UPDATE customers SET name = CONCAT('Customer ', id);";
  private MockedActivities activities;

  @AfterEach
  void close() {
    if (activities != null) {
      activities.close();
    }
  }

  private MasterSnapshotWorkflow start(PreviewSettings settings) {
    activities = new MockedActivities(settings);
    activities.env.start();
    return activities
        .env
        .getWorkflowClient()
        .newWorkflowStub(
            MasterSnapshotWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(PreviewIds.snapshotScheduleId("acme", "shop"))
                .setTaskQueue(PreviewIds.TASK_QUEUE)
                .build());
  }

  private static SnapshotResult made(RefreshSnapshotRequest request) {
    return new SnapshotResult(
        request.snapshot(), request.takenAt(), 81920, List.of(request.snapshot()), List.of());
  }

  @Test
  void refreshesWithTheRepositorysCurrentSettingsAndReturnsWhatItMade() {
    MasterSnapshotWorkflow workflow =
        start(TestSettings.withSnapshot(TestSettings.dedicated(), new Snapshot("P1D", 3, SCRUB)));
    when(activities.clone.refreshSnapshot(any()))
        .thenAnswer(i -> made(i.<RefreshSnapshotRequest>getArgument(0)));

    SnapshotStatus result = workflow.refresh(new SnapshotRequest("Acme", "Shop"));

    ArgumentCaptor<RefreshSnapshotRequest> asked =
        ArgumentCaptor.forClass(RefreshSnapshotRequest.class);
    verify(activities.clone).refreshSnapshot(asked.capture());
    RefreshSnapshotRequest request = asked.getValue();
    assertThat(request.master()).isEqualTo(TestSettings.dedicated().masterDatabase());
    assertThat(request.keep()).isEqualTo(3);
    assertThat(request.scrubScript()).isEqualTo(SCRUB);
    Instant takenAt = Instant.parse(request.takenAt());
    assertThat(takenAt.getNano()).isZero();
    assertThat(request.snapshot())
        .isEqualTo(PreviewNames.snapshotDatabase("shop", takenAt.toEpochMilli()))
        .matches("fps_\\d{8}_\\d{6}_shop");
    assertThat(result.repository()).isEqualTo("acme/shop");
    assertThat(result.state()).isEqualTo(State.REFRESHED);
    assertThat(result.snapshot().snapshot()).isEqualTo(request.snapshot());
    assertThat(result.snapshot().sizeBytes()).isEqualTo(81920);
    assertThat(result.error()).isNull();
  }

  @Test
  void aMasterBackWithinTheRetryWindowIsSnapshotted() {
    MasterSnapshotWorkflow workflow = start(TestSettings.dedicated());
    when(activities.clone.refreshSnapshot(any()))
        .thenThrow(ApplicationFailure.newFailure("connection refused", "TRANSIENT"))
        .thenThrow(ApplicationFailure.newFailure("connection refused", "TRANSIENT"))
        .thenAnswer(i -> made(i.<RefreshSnapshotRequest>getArgument(0)));

    SnapshotStatus result = workflow.refresh(new SnapshotRequest("acme", "shop"));

    assertThat(result.state()).isEqualTo(State.REFRESHED);
    assertThat(refreshAttempts()).isEqualTo(3);
    // Unset snapshot settings are the defaults.
    ArgumentCaptor<RefreshSnapshotRequest> asked =
        ArgumentCaptor.forClass(RefreshSnapshotRequest.class);
    verify(activities.clone, org.mockito.Mockito.atLeastOnce()).refreshSnapshot(asked.capture());
    assertThat(asked.getValue().keep()).isEqualTo(Snapshot.DEFAULT_KEEP);
    assertThat(asked.getValue().scrubScript()).isNull();
  }

  @Test
  void aMasterUnreachableForTheWholeWindowFailsTheRunAndSaysSo() {
    MasterSnapshotWorkflow workflow = start(TestSettings.dedicated());
    when(activities.clone.refreshSnapshot(any()))
        .thenThrow(ApplicationFailure.newFailure("no route to db.acme.internal", "TRANSIENT"));
    long started = activities.env.currentTimeMillis();

    WorkflowClient.start(workflow::refresh, new SnapshotRequest("acme", "shop"));
    String id = PreviewIds.snapshotScheduleId("acme", "shop");
    assertThatThrownBy(
            () ->
                activities.env.getWorkflowClient().newUntypedWorkflowStub(id).getResult(Void.class))
        .isInstanceOf(WorkflowFailedException.class);

    // Retried with backoff across the window (simulated time), not given up after a few tries.
    Duration waited = Duration.ofMillis(activities.env.currentTimeMillis() - started);
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofHours(5));
    assertThat(refreshAttempts()).isGreaterThan(5);
    SnapshotStatus status =
        activities
            .env
            .getWorkflowClient()
            .newWorkflowStub(MasterSnapshotWorkflow.class, id)
            .status();
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.error()).contains("no route to db.acme.internal");
    assertThat(status.snapshot()).isNull();
  }

  @Test
  void aScrubScriptThatFailsIsNotRetried() {
    MasterSnapshotWorkflow workflow = start(TestSettings.dedicated());
    when(activities.clone.refreshSnapshot(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "ERROR 1146: Table 'users' doesn't exist", FailureType.FAILED.name()));

    assertThatThrownBy(() -> workflow.refresh(new SnapshotRequest("acme", "shop")))
        .isInstanceOf(WorkflowFailedException.class);
    assertThat(refreshAttempts()).isEqualTo(1);
  }

  @Test
  void aRepositoryWithoutMasterDatabaseHasNothingToRefresh() {
    PreviewSettings none =
        new PreviewSettings(
            "acme/shop",
            PreviewSettings.Mode.SHARED,
            9L,
            null,
            "preview.acme.dev",
            "shop",
            "pr-{number}-{project}.{domain}",
            "pr_{number}",
            "php83",
            "github",
            true,
            null,
            java.util.Map.of(),
            null,
            true,
            "P7D",
            PreviewSettings.Trigger.AUTO,
            10,
            16,
            50,
            PreviewSettings.Timeouts.defaults(),
            null);
    MasterSnapshotWorkflow workflow = start(none);

    SnapshotStatus result = workflow.refresh(new SnapshotRequest("acme", "shop"));

    assertThat(result.state()).isEqualTo(State.NO_MASTER_DATABASE);
    assertThat(refreshAttempts()).isZero();
  }

  private long refreshAttempts() {
    return mockingDetails(activities.clone).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("refreshSnapshot"))
        .count();
  }
}
