package dev.forgepreview.gateway.webhook;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks GitHub's {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>} in constant
 * time. Holds the key only; {@link #toString()} does not show it.
 */
public final class SignatureVerifier {
  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "sha256=";
  private static final int HEX_LENGTH = 64;

  private final SecretKeySpec key;

  public SignatureVerifier(byte[] secret) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the webhook secret is empty");
    }
    this.key = new SecretKeySpec(secret, ALGORITHM);
  }

  /** Whether {@code header} is the signature of exactly these bytes. */
  public boolean isValid(byte[] body, String header) {
    if (body == null || header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    String hex = header.substring(PREFIX.length());
    if (hex.length() != HEX_LENGTH) {
      return false;
    }
    byte[] claimed;
    try {
      claimed = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(body), claimed);
  }

  /** The header GitHub would send for these bytes. */
  public String sign(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(body));
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SignatureVerifier[HmacSHA256]";
  }
}
