package dev.forgepreview.activities.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded Apache MINA SSHD on 127.0.0.1 and a free port, with a generated host key, one
 * authorized client key (ed25519, written as an OpenSSH key file, optionally encrypted), and {@link
 * ProcessShellCommandFactory}, so commands really run through {@code /bin/sh -c} on this machine.
 * It can drop the whole connection once a command matching a marker has written a given number of
 * bytes, to simulate a connection lost mid-stream.
 */
final class SshServerExtension implements BeforeAllCallback, AfterAllCallback {
  static final String PASSPHRASE = "correct horse battery staple";

  private final AtomicLong dropAfterBytes = new AtomicLong(-1);
  private final AtomicReference<String> dropMarker = new AtomicReference<>();
  private final AtomicReference<String> lastCommand = new AtomicReference<>();
  private final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static KeyPair sharedClientKey;
  private SshServer server;
  private KeyPair hostKey;
  private KeyPair clientKey;
  private Path dir;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir =
        Path.of("target", "sshd-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    Files.createDirectories(dir);
    hostKey = ecKey();
    clientKey = sharedClientKey();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        new KeySetPublickeyAuthenticator("test", List.of(clientKey.getPublic())));
    ProcessShellCommandFactory processes = new ProcessShellCommandFactory();
    server.setCommandFactory(
        (channel, command) -> {
          lastCommand.set(command);
          commands.add(command);
          Command delegate = processes.createCommand(channel, command);
          String marker = dropMarker.get();
          long limit = dropAfterBytes.get();
          if (marker != null && limit >= 0 && command.contains(marker)) {
            dropAfterBytes.set(-1);
            return new DroppingCommand(delegate, channel, limit);
          }
          return delegate;
        });
    server.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.stop(true);
    }
  }

  int port() {
    return server.getPort();
  }

  /** {@code SHA256:...} of the host key, as OpenSSH prints it. */
  String hostKeyFingerprint() {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey.getPublic());
  }

  /** A known_hosts line for this server. */
  String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** The authorized client key as an unencrypted OpenSSH private key. */
  String clientKeyPem() throws IOException, GeneralSecurityException {
    return writeKey(clientKey, null);
  }

  /** The authorized client key encrypted with {@link #PASSPHRASE}, in a 0600 file. */
  Path encryptedClientKeyFile() throws IOException, GeneralSecurityException {
    Path file = dir.resolve("id_ed25519_encrypted");
    Files.writeString(file, writeKey(clientKey, PASSPHRASE));
    return file;
  }

  /** A key this server does not accept. */
  static String strangerKeyPem() throws IOException, GeneralSecurityException {
    return writeKey(ed25519(), null);
  }

  Path directory() {
    return dir;
  }

  String lastCommand() {
    return lastCommand.get();
  }

  /** Every command run so far, oldest first. */
  List<String> commands() {
    return List.copyOf(commands);
  }

  /** The next command containing {@code marker} drops the connection after {@code bytes}. */
  void dropNextCommandAfter(String marker, long bytes) {
    dropMarker.set(marker);
    dropAfterBytes.set(bytes);
  }

  int activeSessions() {
    return server.getActiveSessions().size();
  }

  private static String writeKey(KeyPair key, String passphrase)
      throws IOException, GeneralSecurityException {
    OpenSSHKeyEncryptionContext encryption = null;
    if (passphrase != null) {
      encryption = new OpenSSHKeyEncryptionContext();
      encryption.setCipherName("AES");
      encryption.setCipherMode("CTR");
      encryption.setCipherType("256");
      encryption.setPassword(passphrase);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
        key, "forge-preview-test", encryption, out);
    return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** One client key for every server in the JVM, as the worker has one key for all servers. */
  private static synchronized KeyPair sharedClientKey() throws GeneralSecurityException {
    if (sharedClientKey == null) {
      sharedClientKey = ed25519();
    }
    return sharedClientKey;
  }

  // sshd's key writer uses Bouncy Castle's EdDSA classes when Bouncy Castle is present.
  private static KeyPair ed25519() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance("Ed25519", new BouncyCastleProvider()).generateKeyPair();
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** Closes the whole SSH connection once the command's stdout has carried {@code limit} bytes. */
  private static final class DroppingCommand implements Command {
    private final Command delegate;
    private final ChannelSession channel;
    private final long limit;

    DroppingCommand(Command delegate, ChannelSession channel, long limit) {
      this.delegate = delegate;
      this.channel = channel;
      this.limit = limit;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      delegate.setOutputStream(
          new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              if (written >= limit) {
                channel.getSession().close(true);
                throw new IOException("connection dropped by the test");
              }
              out.write(b, off, len);
              written += len;
            }

            @Override
            public void flush() throws IOException {
              out.flush();
            }

            @Override
            public void close() throws IOException {
              out.close();
            }
          });
    }

    @Override
    public void setInputStream(java.io.InputStream in) {
      delegate.setInputStream(in);
    }

    @Override
    public void setErrorStream(OutputStream err) {
      delegate.setErrorStream(err);
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      delegate.setExitCallback(callback);
    }

    @Override
    public void start(ChannelSession session, Environment env) throws IOException {
      delegate.start(session, env);
    }

    @Override
    public void destroy(ChannelSession session) throws Exception {
      delegate.destroy(session);
    }
  }
}
