package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.temporal.TemporalPreviewStarter;
import dev.forgepreview.settings.Env;
import dev.forgepreview.settings.TemporalTls;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway reaches Temporal over TLS with a client certificate, from the same {@code
 * TEMPORAL_TLS_*} variables as the worker: a real TLS handshake with a gRPC endpoint that requires
 * a client certificate signed by its CA (as Temporal Cloud and an mTLS self-hosted frontend do).
 */
class TemporalTlsTest {
  @TempDir Path dir;
  private Server server;
  private final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void startTlsEndpoint() throws Exception {
    TestCertificates.write(dir);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(
                GrpcSslContexts.forServer(
                        dir.resolve("server.pem").toFile(), dir.resolve("server.key").toFile())
                    .trustManager(dir.resolve("ca.pem").toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build())
            .addService(
                new WorkflowServiceGrpc.WorkflowServiceImplBase() {
                  @Override
                  public void getSystemInfo(
                      GetSystemInfoRequest request,
                      StreamObserver<GetSystemInfoResponse> response) {
                    calls.incrementAndGet();
                    response.onNext(GetSystemInfoResponse.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private ApplicationContext gateway(Map<String, String> variables) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("test.real-temporal-client", "true");
    properties.put("test.environment-variables", "true");
    properties.put("forge-preview.webhook.secret", GitHub.SECRET);
    properties.put("forge-preview.temporal.address", "localhost:" + server.getPort());
    properties.put("micronaut.server.port", "-1");
    TestEnvironmentFactory.variables = Map.copyOf(variables);
    return ApplicationContext.builder().deduceEnvironment(false).properties(properties).start();
  }

  @Test
  void withTheWorkersVariablesTheGatewayCompletesAnMtlsHandshake() {
    try (ApplicationContext context =
        gateway(
            Map.of(
                TemporalTls.CA_FILE, dir.resolve("ca.pem").toString(),
                TemporalTls.CERT_FILE, dir.resolve("client.pem").toString(),
                TemporalTls.KEY_FILE, dir.resolve("client.key").toString()))) {
      assertThat(context.getBean(WorkflowServiceStubs.class).getOptions().getSslContext())
          .isNotNull();
      assertThat(context.getBean(TemporalPreviewStarter.class).isReachable()).isTrue();
      assertThat(calls.get()).isPositive();
    }
  }

  @Test
  void withoutTheClientCertificateTheEndpointRefusesTheGateway() {
    try (ApplicationContext context =
        gateway(
            Map.of(
                TemporalTls.ENABLED,
                "true",
                TemporalTls.CA_FILE,
                dir.resolve("ca.pem").toString()))) {
      assertThat(context.getBean(TemporalPreviewStarter.class).isReachable()).isFalse();
    }
    // And without TLS at all (the gateway before this change) it cannot talk to it either.
    try (ApplicationContext context = gateway(Map.of())) {
      assertThat(context.getBean(WorkflowServiceStubs.class).getOptions().getSslContext()).isNull();
      assertThat(context.getBean(TemporalPreviewStarter.class).isReachable()).isFalse();
    }
    assertThat(calls.get()).isZero();
  }

  /** The process environment, replaced: the variables a test gives. */
  @Factory
  @Requires(property = "test.environment-variables")
  static class TestEnvironmentFactory {
    static volatile Map<String, String> variables = Map.of();

    @Singleton
    @Replaces(Env.class)
    Env environmentVariables(@Property(name = "test.environment-variables") String enabled) {
      return new Env(variables);
    }
  }
}
