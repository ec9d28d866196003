package dev.forgepreview.activities.github;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** A fresh RSA key pair per test run, as PEM: no key is ever committed. */
final class TestKeys {
  static final KeyPair PAIR = generate();

  private TestKeys() {}

  static String pkcs8Pem() {
    return pem("PRIVATE KEY", PAIR.getPrivate().getEncoded());
  }

  /** The PKCS#1 RSAPrivateKey inside the JDK's PKCS#8 encoding, as GitHub hands Apps keys. */
  static String pkcs1Pem() {
    byte[] pkcs8 = PAIR.getPrivate().getEncoded();
    // SEQUENCE(hdr) INTEGER 0 (3) AlgorithmIdentifier (15) OCTET STRING(hdr) RSAPrivateKey
    int offset = headerLength(pkcs8, 0) + 3 + 15;
    offset += headerLength(pkcs8, offset);
    return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, offset, pkcs8.length));
  }

  private static int headerLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    return first < 0x80 ? 2 : 2 + (first & 0x7f);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
