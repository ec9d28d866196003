package dev.forgepreview.gateway.temporal;

import dev.forgepreview.gateway.config.TemporalConfiguration;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.TemporalTls;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Singleton;

/**
 * The connection to Temporal, with the same TLS / mTLS options as the worker ({@link TemporalTls}
 * from {@code TEMPORAL_TLS_*}). The stubs connect lazily, so the gateway starts (and reports DOWN
 * on {@code /health}) while Temporal is away. Tests replace {@link WorkflowClient}.
 */
@Factory
public class TemporalFactory {

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(TemporalConfiguration config, Env env) {
    return WorkflowServiceStubs.newServiceStubs(options(config, TemporalTls.fromEnvironment(env)));
  }

  /** The worker's TLS / mTLS options (the same {@code TEMPORAL_TLS_*} variables), then ours. */
  static WorkflowServiceStubsOptions options(TemporalConfiguration config, TemporalTls tls) {
    return tls.apply(WorkflowServiceStubsOptions.newBuilder())
        .setTarget(config.address())
        .setRpcTimeout(config.rpcTimeout())
        // The client asks for the server's capabilities before its first call.
        .setSystemInfoTimeout(config.rpcTimeout())
        // Retrying longer than GitHub waits for an answer only turns a 503 into a timeout.
        .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(config.rpcTimeout()).build())
        .build();
  }

  @Singleton
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalConfiguration config) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(config.namespace()).build());
  }
}
