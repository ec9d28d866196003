package dev.forgepreview.activities.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The teardown's Redis flush against a real {@code redis-server} (Debian's package; {@code .ci/run}
 * installs it), reached over a real SSH server running real commands: the preview's database is
 * emptied, its neighbour on the same server is not.
 */
class RedisFlushTest {
  @RegisterExtension static final SshServerExtension previewSsh = new SshServerExtension();

  private Path dir;
  private Process redis;
  private int port;
  private TestActivityEnvironment activityEnvironment;

  @BeforeEach
  void startRedis() throws Exception {
    dir =
        Path.of("target", "redis-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    Files.createDirectories(dir);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    for (int i = 0; i < 100 && !cli("PING").equals("PONG"); i++) {
      Thread.sleep(100);
    }
    assertThat(cli("PING")).as("redis-server on port " + port).isEqualTo("PONG");
    activityEnvironment = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void stopRedis() throws Exception {
    activityEnvironment.close();
    redis.destroy();
    redis.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void theFlushEmptiesThePreviewsDatabaseAndNoOther() throws Exception {
    cli("-n", "3", "SET", "session:pr-42", "alice");
    cli("-n", "3", "SET", "cache:pr-42", "x");
    cli("-n", "4", "SET", "session:pr-43", "bob");

    stub().flushRedis(new FlushRedisRequest("preview:acme:shop:42/flush-redis", "127.0.0.1", 3));

    assertThat(cli("-n", "3", "DBSIZE")).isEqualTo("0");
    assertThat(cli("-n", "4", "GET", "session:pr-43")).isEqualTo("bob");
  }

  private DatabaseCloneActivities stub() throws Exception {
    // The server's redis-cli as Forge servers have it, pointed at this test's port.
    Path redisCli = dir.resolve("redis-cli");
    Files.writeString(redisCli, "#!/bin/sh\nexec redis-cli -p " + port + " \"$@\"\n");
    Files.setPosixFilePermissions(redisCli, PosixFilePermissions.fromString("rwx------"));
    SshSettings ssh =
        new SshSettings(
            null,
            previewSsh.clientKeyPem(),
            null,
            null,
            List.of(previewSsh.hostKeyFingerprint()),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            Duration.ofSeconds(5));
    CloneSettings settings =
        CloneSettings.defaults()
            .withPreviewSsh("forge", previewSsh.port())
            .withCommands(null, null, redisCli.toString());
    activityEnvironment.registerActivitiesImplementations(
        new DatabaseCloneActivitiesImpl(
            ssh,
            settings,
            PreviewSecrets.fromString("a test key of sixteen bytes or more"),
            h -> null));
    return activityEnvironment.newActivityStub(
        DatabaseCloneActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private String cli(String... args) throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }
}
