package dev.forgepreview.settings;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * TLS or mTLS to Temporal, the same for the gateway and the worker: {@code TEMPORAL_TLS} ({@code
 * true} when a client certificate is given), {@code TEMPORAL_TLS_CA_FILE} (the server's CA; the
 * JVM's trust store when unset), {@code TEMPORAL_TLS_CERT_FILE} and {@code TEMPORAL_TLS_KEY_FILE}
 * (the client's PEM certificate and PKCS#8 key, for mTLS). Plain text when TLS is off.
 */
public record TemporalTls(
    boolean enabled, Optional<String> caFile, Optional<String> certFile, Optional<String> keyFile) {

  public static final String ENABLED = "TEMPORAL_TLS";
  public static final String CA_FILE = "TEMPORAL_TLS_CA_FILE";
  public static final String CERT_FILE = "TEMPORAL_TLS_CERT_FILE";
  public static final String KEY_FILE = "TEMPORAL_TLS_KEY_FILE";

  public TemporalTls {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new ConfigurationException(
          CERT_FILE + " and " + KEY_FILE + " go together: set both for mTLS, or neither");
    }
  }

  public static TemporalTls off() {
    return new TemporalTls(false, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static TemporalTls fromEnvironment(Env env) {
    return new TemporalTls(
        env.flag(ENABLED, env.get(CERT_FILE).isPresent()),
        env.get(CA_FILE),
        env.get(CERT_FILE),
        env.get(KEY_FILE));
  }

  /** {@code options} with an SslContext when TLS is on; unchanged otherwise. */
  public WorkflowServiceStubsOptions.Builder apply(WorkflowServiceStubsOptions.Builder options) {
    if (!enabled) {
      return options;
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      caFile.ifPresent(ca -> ssl.trustManager(new File(ca)));
      if (certFile.isPresent()) {
        ssl.keyManager(new File(certFile.get()), new File(keyFile.get()));
      }
      return options.setSslContext(ssl.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "TEMPORAL_TLS_* files cannot be used: " + e.getClass().getSimpleName());
    }
  }
}
