package dev.forgepreview.activities.ssh;

import java.io.File;
import java.io.IOException;
import java.util.Objects;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.password.PasswordUtils;

/**
 * Opens authenticated SSH connections with sshj: key authentication only, the host key pinned by a
 * known_hosts file or fingerprints, connect timeout and keep-alive from {@link SshSettings}. Every
 * failure is an {@link SshException} whose kind names the layer.
 */
public final class SshConnector {
  private final SshSettings settings;
  private final DefaultConfig config;

  public SshConnector(SshSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.config = new DefaultConfig();
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
  }

  public SshSettings settings() {
    return settings;
  }

  /** Connects, verifies the host key and authenticates; the caller closes the connection. */
  public SshConnection connect(String host, int port, String user) throws SshException {
    String where = user + "@" + host + ":" + port;
    SSHClient client = new SSHClient(config);
    boolean connected = false;
    try {
      client.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
      if (settings.knownHostsFile() != null) {
        client.loadKnownHosts(settings.knownHostsFile().toFile());
      }
      for (String fingerprint : settings.hostKeyFingerprints()) {
        client.addHostKeyVerifier(fingerprint);
      }
      try {
        client.connect(host, port);
      } catch (TransportException e) {
        if (e.getDisconnectReason() == DisconnectReason.HOST_KEY_NOT_VERIFIABLE) {
          throw new SshException(
              SshException.Kind.HOST_KEY_MISMATCH,
              "the host key of " + host + ":" + port + " does not match the pinned key",
              e);
        }
        throw new SshException(
            SshException.Kind.CONNECT, "SSH handshake with " + where + " failed", e);
      } catch (IOException e) {
        throw new SshException(
            SshException.Kind.CONNECT, "cannot connect to " + where + ": " + e, e);
      }
      client
          .getConnection()
          .getKeepAlive()
          .setKeepAliveInterval(Math.toIntExact(settings.keepAliveInterval().toSeconds()));
      try {
        client.authPublickey(user, loadKey(client));
      } catch (UserAuthException e) {
        throw new SshException(
            SshException.Kind.AUTHENTICATION, "the server refused our key for " + where, e);
      } catch (TransportException e) {
        throw new SshException(
            SshException.Kind.CONNECTION_LOST, "connection lost while authenticating " + where, e);
      }
      connected = true;
      return new SshConnection(client, host, settings.commandTimeout());
    } catch (SshException e) {
      throw e;
    } catch (IOException e) {
      throw new SshException(SshException.Kind.CONNECT, "cannot connect to " + where, e);
    } finally {
      if (!connected) {
        closeQuietly(client);
      }
    }
  }

  private KeyProvider loadKey(SSHClient client) throws SshException {
    try {
      if (settings.privateKeyFile() != null) {
        File file = settings.privateKeyFile().toFile();
        return settings.passphrase() == null
            ? client.loadKeys(file.getPath())
            : client.loadKeys(file.getPath(), settings.passphrase().toCharArray());
      }
      return client.loadKeys(
          settings.privateKeyPem(),
          null,
          settings.passphrase() == null
              ? null
              : PasswordUtils.createOneOff(settings.passphrase().toCharArray()));
    } catch (IOException | RuntimeException e) {
      // Never include the key or passphrase; the exception type says enough.
      throw new SshException(
          SshException.Kind.AUTHENTICATION,
          "cannot read the SSH private key (" + e.getClass().getSimpleName() + ")",
          null);
    }
  }

  static void closeQuietly(SSHClient client) {
    try {
      client.close();
    } catch (IOException e) {
      // Closing a connection that is already gone.
    }
  }
}
