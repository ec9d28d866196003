package dev.forgepreview.activities.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SSH client's layers against a real embedded SSHD, and the Redis flush. */
class SshConnectorTest {
  @RegisterExtension static final SshServerExtension ssh = new SshServerExtension();

  private TestActivityEnvironment activityEnvironment;

  @BeforeEach
  void setUp() {
    activityEnvironment = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    activityEnvironment.close();
  }

  private SshSettings pinnedByFingerprint(String keyPem, String fingerprint) {
    return new SshSettings(
        null, keyPem, null, null, List.of(fingerprint), Duration.ofSeconds(5), null, null);
  }

  @Test
  void runsACommandWithAPinnedFingerprint() throws Exception {
    SshSettings settings = pinnedByFingerprint(ssh.clientKeyPem(), ssh.hostKeyFingerprint());
    try (SshConnection connection =
        new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge")) {
      SshConnection.Result result =
          connection.execute(
              "a pipeline",
              "tr a-z A-Z | sed 's/^/> /'",
              "hello\n".getBytes(StandardCharsets.UTF_8));
      assertThat(result.exitStatus()).isZero();
      assertThat(result.stdout()).isEqualTo("> HELLO\n");
    }
  }

  @Test
  void authenticatesWithAnEncryptedKeyFileAndAKnownHostsFile() throws Exception {
    Path knownHosts = ssh.directory().resolve("known_hosts");
    Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
    SshSettings settings =
        new SshSettings(
            ssh.encryptedClientKeyFile(),
            null,
            SshServerExtension.PASSPHRASE,
            knownHosts,
            List.of(),
            Duration.ofSeconds(5),
            null,
            null);
    try (SshConnection connection =
        new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge")) {
      assertThat(connection.execute("echo", "echo ok", new byte[0]).stdout()).isEqualTo("ok\n");
    }
  }

  @Test
  void refusesAHostKeyThatDoesNotMatchThePin() throws Exception {
    SshSettings settings = pinnedByFingerprint(ssh.clientKeyPem(), "SHA256:" + "A".repeat(43));
    assertThatThrownBy(() -> new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge"))
        .isInstanceOfSatisfying(
            SshException.class,
            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY_MISMATCH))
        .hasMessageContaining("does not match the pinned key");
  }

  @Test
  void refusesAnUnknownHostInKnownHosts() throws Exception {
    Path knownHosts = ssh.directory().resolve("other_known_hosts");
    Files.writeString(
        knownHosts, ssh.knownHostsLine().replace("[127.0.0.1]:", "[10.0.0.9]:") + "\n");
    SshSettings settings =
        new SshSettings(
            null, ssh.clientKeyPem(), null, knownHosts, null, Duration.ofSeconds(5), null, null);
    assertThatThrownBy(() -> new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge"))
        .isInstanceOfSatisfying(
            SshException.class,
            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY_MISMATCH));
  }

  @Test
  void reportsARefusedKeyAsAuthentication() throws Exception {
    SshSettings settings =
        pinnedByFingerprint(SshServerExtension.strangerKeyPem(), ssh.hostKeyFingerprint());
    assertThatThrownBy(() -> new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge"))
        .isInstanceOfSatisfying(
            SshException.class,
            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTHENTICATION));
  }

  @Test
  void reportsAWrongPassphraseAsAuthentication() throws Exception {
    SshSettings settings =
        new SshSettings(
            ssh.encryptedClientKeyFile(),
            null,
            "wrong passphrase",
            null,
            List.of(ssh.hostKeyFingerprint()),
            Duration.ofSeconds(5),
            null,
            null);
    assertThatThrownBy(() -> new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge"))
        .isInstanceOfSatisfying(
            SshException.class,
            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTHENTICATION))
        .hasMessageNotContaining("wrong passphrase");
  }

  @Test
  void reportsARefusedConnectionAsConnect() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SshSettings settings = pinnedByFingerprint(ssh.clientKeyPem(), ssh.hostKeyFingerprint());
    assertThatThrownBy(() -> new SshConnector(settings).connect("127.0.0.1", closedPort, "forge"))
        .isInstanceOfSatisfying(
            SshException.class, e -> assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT))
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }

  @Test
  void reportsANonZeroExitWithStatusAndStderr() throws Exception {
    SshSettings settings = pinnedByFingerprint(ssh.clientKeyPem(), ssh.hostKeyFingerprint());
    try (SshConnection connection =
            new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge");
        SshConnection.RemoteCommand command =
            connection.start("a failing command", "echo 'no such table' >&2; exit 7")) {
      command.closeStdin();
      assertThatThrownBy(() -> command.requireSuccess(Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(
              SshCommandException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.COMMAND_FAILED);
                assertThat(e.exitStatus()).isEqualTo(7);
                assertThat(e.stderr()).isEqualTo("no such table\n");
              })
          .hasMessage("a failing command exited with status 7: no such table");
    }
  }

  @Test
  void reportsACommandThatOutlivesItsTimeout() throws Exception {
    SshSettings settings =
        new SshSettings(
            null,
            ssh.clientKeyPem(),
            null,
            null,
            List.of(ssh.hostKeyFingerprint()),
            Duration.ofSeconds(5),
            Duration.ofMillis(500),
            null);
    try (SshConnection connection =
        new SshConnector(settings).connect("127.0.0.1", ssh.port(), "forge")) {
      assertThatThrownBy(() -> connection.execute("a slow command", "sleep 5", new byte[0]))
          .isInstanceOfSatisfying(
              SshException.class, e -> assertThat(e.kind()).isEqualTo(SshException.Kind.TIMEOUT));
    }
  }

  private DatabaseCloneActivities flushActivities(Path redisCli) throws Exception {
    CloneSettings settings =
        CloneSettings.defaults()
            .withPreviewSsh("forge", ssh.port())
            .withCommands(null, null, redisCli.toString());
    activityEnvironment.registerActivitiesImplementations(
        new DatabaseCloneActivitiesImpl(
            pinnedByFingerprint(ssh.clientKeyPem(), ssh.hostKeyFingerprint()),
            settings,
            PreviewSecrets.fromString("a test key of sixteen bytes or more"),
            host -> null));
    return activityEnvironment.newActivityStub(
        DatabaseCloneActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /**
   * No redis-server is installed here, so {@code redis-cli} is a script written by the test that
   * records its arguments, one per line, and answers like redis-cli does.
   */
  private Path fakeRedisCli(String answer) throws Exception {
    Path script = ssh.directory().resolve("redis-cli-" + answer.hashCode());
    Path argv = ssh.directory().resolve("redis-cli.argv");
    Files.deleteIfExists(argv);
    Files.writeString(
        script,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '"
            + argv
            + "'; done\necho '"
            + answer
            + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void flushesTheRedisDatabaseWithTheExactCommand() throws Exception {
    DatabaseCloneActivities activities = flushActivities(fakeRedisCli("OK"));
    activities.flushRedis(new FlushRedisRequest("req-1", "127.0.0.1", 3));
    assertThat(Files.readAllLines(ssh.directory().resolve("redis-cli.argv")))
        .containsExactly("-n", "3", "FLUSHDB");
    assertThat(ssh.lastCommand()).endsWith("redis-cli-" + "OK".hashCode() + "' -n 3 FLUSHDB\n");
  }

  @Test
  void aRedisErrorReplyIsAFailure() throws Exception {
    DatabaseCloneActivities activities =
        flushActivities(fakeRedisCli("ERR DB index is out of range"));
    assertThatThrownBy(() -> activities.flushRedis(new FlushRedisRequest("req-2", "127.0.0.1", 99)))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e ->
                assertThat(((ApplicationFailure) e.getCause()).getType())
                    .isEqualTo(FailureType.FAILED.name()))
        .rootCause()
        .hasMessageContaining("ERR DB index is out of range");
  }

  @Test
  void aHostWithMetacharactersIsRefusedBeforeConnecting() throws Exception {
    DatabaseCloneActivities activities = flushActivities(fakeRedisCli("OK"));
    int sessionsBefore = ssh.activeSessions();
    assertThatThrownBy(
            () -> activities.flushRedis(new FlushRedisRequest("req-3", "127.0.0.1;reboot", 1)))
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            e -> {
              ApplicationFailure failure = (ApplicationFailure) e.getCause();
              assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
              assertThat(failure.isNonRetryable()).isTrue();
            });
    assertThat(ssh.activeSessions()).isEqualTo(sessionsBefore);
  }
}
