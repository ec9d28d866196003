package dev.forgepreview.activities.github;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an RSA private key from PEM with the JDK alone: PKCS#8 ({@code BEGIN PRIVATE KEY}) as is,
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what GitHub hands out for Apps) wrapped into PKCS#8.
 */
final class PemKeys {
  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN (RSA PRIVATE KEY|PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** AlgorithmIdentifier: SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PemKeys() {}

  /** Never echoes the input: the messages say what is wrong, not what was read. */
  static PrivateKey readRsaPrivateKey(String pem) {
    if (pem == null) {
      throw new IllegalArgumentException("no private key given");
    }
    Matcher matcher = PEM.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException(
          "the private key is not an unencrypted PEM 'RSA PRIVATE KEY' or 'PRIVATE KEY'");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the private key's PEM body is not base64");
    }
    byte[] pkcs8 = matcher.group(1).startsWith("RSA") ? pkcs1ToPkcs8(der) : der;
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the private key is not a valid RSA key");
    }
  }

  /** PrivateKeyInfo: SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { pkcs1 } }. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream content = new ByteArrayOutputStream(pkcs1.length + 32);
    content.writeBytes(VERSION_0);
    content.writeBytes(RSA_ALGORITHM);
    content.writeBytes(tlv(0x04, pkcs1));
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
