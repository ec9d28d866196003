package dev.forgepreview.worker.dev;

import dev.forgepreview.workflows.PreviewIds;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Dev mode's Temporal when the {@code temporal} CLI is not installed: the SDK's Java test server on
 * a port, with our search attributes. In memory, no Web UI, no schedules, no visibility queries.
 */
public final class DevTemporalServer {
  private DevTemporalServer() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7233;
    TestServer.PortBoundTestServer server =
        TestServer.createPortBoundServer(port, true); // real time: no time skipping
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + port)
                .validateAndBuildWithDefaults());
    operator
        .blockingStub()
        .addSearchAttributes(
            AddSearchAttributesRequest.newBuilder()
                .setNamespace("default")
                .putAllSearchAttributes(
                    Map.of(
                        PreviewIds.REPOSITORY.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
                        PreviewIds.PULL_REQUEST.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_INT,
                        PreviewIds.PHASE.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
                        PreviewIds.QUEUE_POSITION.getName(),
                        IndexedValueType.INDEXED_VALUE_TYPE_INT))
                .build());
    operator.shutdown();
    System.out.println(
        "temporal (Java test server) listening on 127.0.0.1:"
            + port
            + " (no Web UI, no schedules)");
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    forever.await();
  }
}
