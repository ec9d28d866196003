package dev.forgepreview.activities.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives each preview's secrets from one configured key, so that no password is ever generated in
 * workflow code (which would put it in the history) and every activity that needs it, on any
 * worker, derives the same value.
 */
public final class PreviewSecrets {
  private static final int MIN_KEY_BYTES = 16;
  private final byte[] key;

  public PreviewSecrets(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the secret key needs at least " + MIN_KEY_BYTES + " bytes");
    }
    this.key = key.clone();
  }

  public static PreviewSecrets fromString(String key) {
    return new PreviewSecrets(Objects.requireNonNull(key, "key").getBytes(StandardCharsets.UTF_8));
  }

  /** The preview's database password: 32 characters of {@code [A-Za-z0-9]}. */
  public String databasePassword(String previewId) {
    return alphanumeric("database-password:" + Objects.requireNonNull(previewId, "previewId"));
  }

  /**
   * The password of the preview's basic auth, when the repository configures none: 32 characters of
   * {@code [A-Za-z0-9]}, independent of the database password.
   */
  public String basicAuthPassword(String previewId) {
    return alphanumeric("basic-auth-password:" + Objects.requireNonNull(previewId, "previewId"));
  }

  private String alphanumeric(String purpose) {
    byte[] mac = hmac(purpose);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    // Letters and digits only, so the password needs no quoting in .env files or option files.
    StringBuilder password = new StringBuilder(32);
    for (char c : encoded.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        password.append(c);
      }
      if (password.length() == 32) {
        break;
      }
    }
    while (password.length() < 32) {
      password.append('x');
    }
    return password.toString();
  }

  private byte[] hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "PreviewSecrets[key=***]";
  }
}
