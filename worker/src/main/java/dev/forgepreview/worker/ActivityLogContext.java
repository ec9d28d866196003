package dev.forgepreview.worker;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import org.slf4j.MDC;

/**
 * Puts the workflow id, run id and step (the activity type) into the logging context of every
 * activity this worker runs, so each log line says which preview and step it belongs to (as fields
 * of the JSON lines with {@code FORGE_PREVIEW_LOG_FORMAT=json}).
 */
final class ActivityLogContext extends WorkerInterceptorBase {
  static final String WORKFLOW_ID = "workflowId";
  static final String RUN_ID = "runId";
  static final String STEP = "step";

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityInfo info = context.getInfo();
        MDC.put(WORKFLOW_ID, info.getWorkflowId());
        MDC.put(RUN_ID, info.getRunId());
        MDC.put(STEP, info.getActivityType());
        try {
          return super.execute(input);
        } finally {
          MDC.remove(WORKFLOW_ID);
          MDC.remove(RUN_ID);
          MDC.remove(STEP);
        }
      }
    };
  }
}
