package dev.forgepreview.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The gateway's own metrics, served with Micronaut's at {@code GET /prometheus}: deliveries by
 * event and answer, signature failures, and the latency of each Temporal call.
 */
@Singleton
public class GatewayMetrics {
  /**
   * Events GitHub sends us; anything else is counted as {@code other} (the header is free text).
   */
  private static final Set<String> EVENTS = Set.of("pull_request", "issue_comment", "ping");

  private final MeterRegistry registry;
  private final Counter signatureFailures;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.signatureFailures =
        Counter.builder("forge_preview_webhook_signature_failures")
            .description("webhook deliveries refused for a missing or wrong X-Hub-Signature-256")
            .register(registry);
  }

  /**
   * One delivery and the status it was answered with. {@code verified} is false before the
   * signature was checked: the event header is not trusted then.
   */
  public void delivery(String event, boolean verified, int status) {
    String tag =
        !verified ? "unverified" : event != null && EVENTS.contains(event) ? event : "other";
    Counter.builder("forge_preview_webhook_deliveries")
        .description("webhook deliveries by event and the HTTP status answered")
        .tags("event", tag, "answer", Integer.toString(status))
        .register(registry)
        .increment();
  }

  public void signatureFailure() {
    signatureFailures.increment();
  }

  /** Times one Temporal call (signal-with-start, signal, describe, count), failed ones too. */
  public <T> T temporalCall(String operation, Supplier<T> call) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "error";
    try {
      T result = call.get();
      outcome = "ok";
      return result;
    } finally {
      sample.stop(
          Timer.builder("forge_preview_temporal_call")
              .description("latency of the gateway's Temporal calls")
              .tags("operation", operation, "outcome", outcome)
              .publishPercentileHistogram()
              .register(registry));
    }
  }
}
