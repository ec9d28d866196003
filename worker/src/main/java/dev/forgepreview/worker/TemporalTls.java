package dev.forgepreview.worker;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import javax.net.ssl.SSLException;

/** TLS or mTLS to Temporal from {@code TEMPORAL_TLS_*} files; plain text when none is set. */
final class TemporalTls {
  private TemporalTls() {}

  static WorkflowServiceStubsOptions.Builder apply(
      WorkflowServiceStubsOptions.Builder options, WorkerConfig config) {
    if (!config.temporalTls()) {
      return options;
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      config.temporalTlsCaFile().ifPresent(ca -> ssl.trustManager(new File(ca)));
      if (config.temporalTlsCertFile().isPresent() && config.temporalTlsKeyFile().isPresent()) {
        ssl.keyManager(
            new File(config.temporalTlsCertFile().get()),
            new File(config.temporalTlsKeyFile().get()));
      }
      return options.setSslContext(ssl.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new RepositorySettings.ConfigurationException(
          "TEMPORAL_TLS_* files cannot be used: " + e.getClass().getSimpleName());
    }
  }
}
