package dev.forgepreview.activities.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the worker reaches servers over SSH. Exactly one of {@code privateKeyFile} and {@code
 * privateKeyPem} is set; at least one host key pin ({@code knownHostsFile} or {@code
 * hostKeyFingerprints}) is required, as there is no "accept any host key" mode.
 *
 * @param privateKeyFile an OpenSSH or PEM private key file
 * @param privateKeyPem the private key's text, e.g. read from an environment variable
 * @param passphrase the key's passphrase, or null when the key is not encrypted
 * @param knownHostsFile an OpenSSH {@code known_hosts} file; an unknown host is refused
 * @param hostKeyFingerprints {@code SHA256:...} (or MD5 hex) fingerprints; a host key matching any
 *     of them is accepted
 * @param connectTimeout TCP connect and SSH handshake, default 15 s
 * @param commandTimeout short commands (checks, resets, Redis flush), default 2 min; streams are
 *     bounded by keep-alive and the activity's own timeouts instead
 * @param keepAliveInterval keep-alive probe interval, default 15 s; a connection missing five
 *     answers in a row is dropped
 */
public record SshSettings(
    Path privateKeyFile,
    String privateKeyPem,
    String passphrase,
    Path knownHostsFile,
    List<String> hostKeyFingerprints,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration keepAliveInterval) {

  /** Environment variable holding the private key's text. */
  public static final String ENV_PRIVATE_KEY = "SSH_PRIVATE_KEY";

  /** Environment variable holding the path of the private key file. */
  public static final String ENV_PRIVATE_KEY_FILE = "SSH_PRIVATE_KEY_FILE";

  /** Environment variable holding the key's passphrase (optional). */
  public static final String ENV_PASSPHRASE = "SSH_PRIVATE_KEY_PASSPHRASE";

  /** Environment variable holding the path of a known_hosts file. */
  public static final String ENV_KNOWN_HOSTS = "SSH_KNOWN_HOSTS_FILE";

  /** Environment variable holding comma-separated {@code SHA256:} fingerprints. */
  public static final String ENV_HOST_KEY_FINGERPRINTS = "SSH_HOST_KEY_FINGERPRINTS";

  private static final Pattern FINGERPRINT =
      Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?|(MD5:)?([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2}");

  public SshSettings {
    boolean hasFile = privateKeyFile != null;
    boolean hasPem = privateKeyPem != null && !privateKeyPem.isBlank();
    if (hasFile == hasPem) {
      throw new IllegalArgumentException(
          "configure exactly one of the private key file and the private key text");
    }
    hostKeyFingerprints =
        hostKeyFingerprints == null ? List.of() : List.copyOf(hostKeyFingerprints);
    if (knownHostsFile == null && hostKeyFingerprints.isEmpty()) {
      throw new IllegalArgumentException(
          "pin the servers' host keys: configure a known_hosts file or SHA256 fingerprints");
    }
    for (String fingerprint : hostKeyFingerprints) {
      if (!FINGERPRINT.matcher(fingerprint).matches()) {
        throw new IllegalArgumentException(
            "not a host key fingerprint (expected SHA256:<43 base64 characters>): " + fingerprint);
      }
    }
    passphrase = passphrase == null || passphrase.isEmpty() ? null : passphrase;
    connectTimeout = positiveOr(connectTimeout, Duration.ofSeconds(15));
    commandTimeout = positiveOr(commandTimeout, Duration.ofMinutes(2));
    keepAliveInterval = positiveOr(keepAliveInterval, Duration.ofSeconds(15));
  }

  /**
   * Reads {@value #ENV_PRIVATE_KEY} or {@value #ENV_PRIVATE_KEY_FILE}, {@value #ENV_PASSPHRASE},
   * {@value #ENV_KNOWN_HOSTS} and {@value #ENV_HOST_KEY_FINGERPRINTS}, with default timeouts.
   */
  public static SshSettings fromEnvironment(Map<String, String> env) {
    String file = blankToNull(env.get(ENV_PRIVATE_KEY_FILE));
    String knownHosts = blankToNull(env.get(ENV_KNOWN_HOSTS));
    String fingerprints = env.getOrDefault(ENV_HOST_KEY_FINGERPRINTS, "");
    return new SshSettings(
        file == null ? null : Path.of(file),
        blankToNull(env.get(ENV_PRIVATE_KEY)),
        env.get(ENV_PASSPHRASE),
        knownHosts == null ? null : Path.of(knownHosts),
        fingerprints.isBlank() ? List.of() : List.of(fingerprints.strip().split("\\s*,\\s*")),
        null,
        null,
        null);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static Duration positiveOr(Duration value, Duration fallback) {
    return value == null || value.isZero() || value.isNegative() ? fallback : value;
  }

  @Override
  public String toString() {
    return "SshSettings[privateKeyFile="
        + privateKeyFile
        + ", privateKeyPem="
        + (privateKeyPem == null ? "null" : "***")
        + ", passphrase="
        + (passphrase == null ? "null" : "***")
        + ", knownHostsFile="
        + knownHostsFile
        + ", hostKeyFingerprints="
        + hostKeyFingerprints
        + ", connectTimeout="
        + connectTimeout
        + ", commandTimeout="
        + commandTimeout
        + ", keepAliveInterval="
        + keepAliveInterval
        + "]";
  }
}
