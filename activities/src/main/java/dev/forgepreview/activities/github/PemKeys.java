package dev.forgepreview.activities.github;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads an unencrypted RSA private key from PEM with BouncyCastle's parser: PKCS#1 ({@code BEGIN
 * RSA PRIVATE KEY}, what GitHub hands out for Apps) or PKCS#8 ({@code BEGIN PRIVATE KEY}).
 */
final class PemKeys {
  private PemKeys() {}

  /** Never echoes the input: the messages say what is wrong, not what was read. */
  static PrivateKey readRsaPrivateKey(String pem) {
    if (pem == null) {
      throw new IllegalArgumentException("no private key given");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the private key's PEM could not be read");
    }
    PrivateKeyInfo info;
    if (parsed instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (parsed instanceof PrivateKeyInfo plain) {
      info = plain;
    } else {
      throw new IllegalArgumentException(
          "the private key is not an unencrypted PEM 'RSA PRIVATE KEY' or 'PRIVATE KEY'");
    }
    PrivateKey key;
    try {
      key = new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the private key is not a valid RSA key");
    }
    if (!(key instanceof RSAPrivateKey)) {
      throw new IllegalArgumentException(
          "the private key is a " + key.getAlgorithm() + " key; a GitHub App key is RSA");
    }
    return key;
  }
}
