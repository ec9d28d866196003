package dev.forgepreview.gateway;

import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.ExtendSignal;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflow;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.UpdateSignal;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the real workflow, registered on the test worker: records its input and every
 * signal (outside replay), and lives until {@code destroy}.
 */
public class RecordingPreviewWorkflow implements PreviewEnvironmentWorkflow {

  /** What one run saw. */
  record Run(
      String runId,
      List<PreviewRequest> requests,
      List<UpdateSignal> updates,
      List<DestroySignal> destroys) {}

  private static final Map<String, List<Run>> RUNS = new ConcurrentHashMap<>();

  private PreviewRequest request;
  private boolean destroyed;

  /** The runs of a workflow id, oldest first. */
  static List<Run> runs(String workflowId) {
    return List.copyOf(RUNS.getOrDefault(workflowId, List.of()));
  }

  private static Run current() {
    WorkflowInfo info = Workflow.getInfo();
    List<Run> runs = RUNS.computeIfAbsent(info.getWorkflowId(), id -> new CopyOnWriteArrayList<>());
    synchronized (runs) {
      for (Run run : runs) {
        if (run.runId().equals(info.getRunId())) {
          return run;
        }
      }
      Run run =
          new Run(
              info.getRunId(),
              new CopyOnWriteArrayList<>(),
              new CopyOnWriteArrayList<>(),
              new CopyOnWriteArrayList<>());
      runs.add(run);
      return run;
    }
  }

  @Override
  public PreviewStatus run(PreviewRequest request) {
    this.request = request;
    if (!Workflow.isReplaying()) {
      current().requests().add(request);
    }
    Workflow.await(() -> destroyed);
    return status();
  }

  @Override
  public void update(UpdateSignal signal) {
    if (!Workflow.isReplaying()) {
      current().updates().add(signal);
    }
  }

  @Override
  public void destroy(DestroySignal signal) {
    if (!Workflow.isReplaying()) {
      current().destroys().add(signal);
    }
    destroyed = true;
  }

  @Override
  public void extend(ExtendSignal signal) {}

  @Override
  public void admitted(dev.forgepreview.workflows.Admission.SlotGrant grant) {}

  @Override
  public void queued(dev.forgepreview.workflows.Admission.QueueNotice notice) {}

  @Override
  public PreviewStatus status() {
    return new PreviewStatus(
        Workflow.getInfo().getWorkflowId(),
        request == null ? null : request.owner() + "/" + request.repo(),
        request == null ? 0 : request.number(),
        destroyed ? Phase.DESTROYED : Phase.PROVISIONING,
        null,
        request == null ? null : request.branch(),
        request == null ? null : request.headSha(),
        null,
        null,
        List.of(),
        List.of(),
        null,
        null,
        null,
        List.of(),
        0,
        null,
        null);
  }
}
