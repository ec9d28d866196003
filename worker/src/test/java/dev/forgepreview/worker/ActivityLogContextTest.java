package dev.forgepreview.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Every activity's log lines carry the workflow id, run id and step (the activity type). */
class ActivityLogContextTest {
  static final Map<String, String> seen = new ConcurrentHashMap<>();

  @ActivityInterface
  public interface Probe {
    void createSite();
  }

  public static class ProbeImpl implements Probe {
    @Override
    public void createSite() {
      seen.putAll(MDC.getCopyOfContextMap());
    }
  }

  @WorkflowInterface
  public interface Flow {
    @WorkflowMethod
    void run();
  }

  public static class FlowImpl implements Flow {
    @Override
    public void run() {
      Workflow.newActivityStub(
              Probe.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build())
          .createSite();
    }
  }

  @Test
  void activityLogLinesCarryWorkflowRunAndStep() {
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new ActivityLogContext())
                        .build())
                .build())) {
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(FlowImpl.class);
      worker.registerActivitiesImplementations(new ProbeImpl());
      env.start();
      Flow flow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  Flow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("preview:acme:shop:42")
                      .setTaskQueue("q")
                      .build());
      flow.run();
      String runId =
          env.getWorkflowClient()
              .newUntypedWorkflowStub("preview:acme:shop:42")
              .describe()
              .getExecution()
              .getRunId();

      assertThat(seen)
          .containsEntry("workflowId", "preview:acme:shop:42")
          .containsEntry("runId", runId)
          .containsEntry("step", "CreateSite");
    }
  }
}
