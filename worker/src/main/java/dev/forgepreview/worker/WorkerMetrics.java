package dev.forgepreview.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.forgepreview.activities.forge.ForgeCallListener;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Prometheus metrics, served at {@code /metrics} on its health port: the Temporal
 * SDK's own (through Micrometer) and the product's:
 *
 * <ul>
 *   <li>{@code forge_preview_previews{phase}}: open previews by phase, counted from Temporal's
 *       visibility (the same cluster-wide figure on every worker: aggregate with {@code max}, not
 *       {@code sum}); {@code forge_preview_previews_ended_last_hour{phase}} for closed ones;
 *   <li>{@code forge_preview_cleanup_last_run_timestamp_seconds}: the cleanup schedule's last run;
 *   <li>{@code forge_preview_step_duration_seconds{activity}}: from a step's first scheduling to
 *       its success, polls and retries included;
 *   <li>{@code forge_preview_forge_requests_total{method,endpoint,status}} and {@code
 *       forge_preview_forge_rate_limited_total{method,endpoint}};
 *   <li>{@code forge_preview_compensation_failures_total{activity}}: failed attempts of a rollback
 *       or teardown activity.
 * </ul>
 */
public final class WorkerMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);
  private static final String[] ENDED = {"FAILED", "DESTROYED", "TEARDOWN_FAILED"};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Scope temporalScope;
  private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> ended = new ConcurrentHashMap<>();
  private final AtomicLong cleanupLastRun = new AtomicLong(-1);
  private final AtomicBoolean visibilityWarned = new AtomicBoolean();
  private ScheduledExecutorService poller;

  public WorkerMetrics() {
    temporalScope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
  }

  /** For {@code WorkflowServiceStubsOptions.setMetricsScope}: the SDK's metrics. */
  public Scope temporalScope() {
    return temporalScope;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts every Forge request by method, endpoint template and status; 429s also apart. */
  public ForgeCallListener forgeCalls() {
    return (method, template, status) -> {
      Counter.builder("forge_preview_forge_requests")
          .description("Forge API requests by endpoint and HTTP status (0: no answer)")
          .tags("method", method, "endpoint", template, "status", Integer.toString(status))
          .register(registry)
          .increment();
      if (status == 429) {
        Counter.builder("forge_preview_forge_rate_limited")
            .description("Forge API requests answered 429")
            .tags("method", method, "endpoint", template)
            .register(registry)
            .increment();
      }
    };
  }

  /** Times steps and counts compensation failures, around every activity this worker runs. */
  public WorkerInterceptor activityInterceptor() {
    return new WorkerInterceptorBase() {
      @Override
      public ActivityInboundCallsInterceptor interceptActivity(
          ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
          private ActivityExecutionContext context;

          @Override
          public void init(ActivityExecutionContext context) {
            this.context = context;
            super.init(context);
          }

          @Override
          public ActivityOutput execute(ActivityInput input) {
            String type = context.getInfo().getActivityType();
            try {
              ActivityOutput output = super.execute(input);
              recordStep(type, context.getInfo().getScheduledTimestamp());
              return output;
            } catch (RuntimeException e) {
              if (isCompensation(type) && !isBenign(e)) {
                Counter.builder("forge_preview_compensation_failures")
                    .description("failed attempts of rollback and teardown activities")
                    .tag("activity", type)
                    .register(registry)
                    .increment();
              }
              throw e;
            }
          }
        };
      }
    };
  }

  private void recordStep(String activity, long firstScheduledMillis) {
    if (firstScheduledMillis <= 0) {
      return;
    }
    Duration took =
        Duration.ofMillis(Math.max(0, System.currentTimeMillis() - firstScheduledMillis));
    Timer.builder("forge_preview_step_duration")
        .description("a step's activity from its first scheduling to its success, retries included")
        .tag("activity", activity)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry)
        .record(took);
  }

  static boolean isCompensation(String activityType) {
    String type = activityType.toLowerCase(Locale.ROOT);
    return type.startsWith("delete") || type.equals("flushredis");
  }

  private static boolean isBenign(RuntimeException e) {
    return e instanceof ApplicationFailure failure
        && failure.getCategory() == ApplicationErrorCategory.BENIGN;
  }

  /**
   * Counts previews by phase from visibility, and reads the cleanup schedule's last run, every
   * {@code every}. A server without visibility (the Java test server) leaves those gauges absent.
   */
  public void startPolling(
      WorkflowClient client, ScheduleClient schedules, Duration every, Clock clock) {
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "metrics-visibility");
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(
        () -> poll(client, schedules, clock), 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void poll(WorkflowClient client, ScheduleClient schedules, Clock clock) {
    String base = "WorkflowType = '" + PreviewIds.WORKFLOW_TYPE + "'";
    String phase = PreviewIds.PHASE.getName();
    try {
      for (Phase p : Phase.values()) {
        long count =
            client
                .countWorkflows(
                    base + " AND ExecutionStatus = 'Running' AND " + phase + " = '" + p + "'")
                .getCount();
        gauge(open, "forge_preview_previews", "open previews by phase (from visibility)", p.name())
            .set(count);
      }
      String since = clock.instant().minus(Duration.ofHours(1)).toString();
      for (String p : ENDED) {
        long count =
            client
                .countWorkflows(
                    base
                        + " AND ExecutionStatus != 'Running' AND CloseTime > '"
                        + since
                        + "' AND "
                        + phase
                        + " = '"
                        + p
                        + "'")
                .getCount();
        gauge(
                ended,
                "forge_preview_previews_ended_last_hour",
                "previews that ended in the last hour, by final phase (from visibility)",
                p)
            .set(count);
      }
    } catch (RuntimeException e) {
      if (visibilityWarned.compareAndSet(false, true)) {
        log.warn(
            "previews by phase are not reported: Temporal's visibility cannot count them ({})",
            e.getClass().getSimpleName());
      }
    }
    try {
      schedules
          .getHandle(PreviewIds.CLEANUP_SCHEDULE_ID)
          .describe()
          .getInfo()
          .getRecentActions()
          .stream()
          .map(ScheduleActionResult::getStartedAt)
          .max(Instant::compareTo)
          .ifPresent(last -> cleanupLastRun.set(last.getEpochSecond()));
      if (cleanupLastRun.get() >= 0
          && registry.find("forge_preview_cleanup_last_run_timestamp").gauge() == null) {
        Gauge.builder("forge_preview_cleanup_last_run_timestamp", cleanupLastRun, AtomicLong::get)
            .description("when the preview-cleanup schedule last started a run (Unix seconds)")
            .baseUnit("seconds")
            .register(registry);
      }
    } catch (RuntimeException e) {
      // No schedules on this server (the worker runs its own cleanup timer then).
    }
  }

  private AtomicLong gauge(Map<String, AtomicLong> values, String name, String help, String phase) {
    return values.computeIfAbsent(
        phase,
        p -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(help)
              .tag("phase", p)
              .register(registry);
          return value;
        });
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
    try {
      temporalScope.close();
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      log.debug("closing the Temporal metrics scope: {}", e.toString());
    }
  }
}
