package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The GitHub App key as GitHub hands it out (PKCS#1) and as openssl converts it (PKCS#8). */
class PemKeysTest {
  private static final RSAPrivateCrtKey EXPECTED = (RSAPrivateCrtKey) TestKeys.PAIR.getPrivate();

  @Test
  void readsPkcs1AndPkcs8AsTheSameRsaKey() {
    RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) PemKeys.readRsaPrivateKey(TestKeys.pkcs1Pem());
    RSAPrivateCrtKey pkcs8 = (RSAPrivateCrtKey) PemKeys.readRsaPrivateKey(TestKeys.pkcs8Pem());

    assertThat(pkcs1.getModulus()).isEqualTo(EXPECTED.getModulus());
    assertThat(pkcs1.getPrivateExponent()).isEqualTo(EXPECTED.getPrivateExponent());
    assertThat(pkcs8.getModulus()).isEqualTo(EXPECTED.getModulus());
    assertThat(pkcs8.getPrivateExponent()).isEqualTo(EXPECTED.getPrivateExponent());
  }

  @Test
  void aKeyAfterOtherTextIsFound() {
    assertThat(PemKeys.readRsaPrivateKey("GitHub App key\n" + TestKeys.pkcs1Pem())).isNotNull();
  }

  @Test
  void anEcKeyIsRefusedByName() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> PemKeys.readRsaPrivateKey(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a GitHub App key is RSA");
  }

  @Test
  void whatIsNotAnUnencryptedKeyIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> PemKeys.readRsaPrivateKey(null)).hasMessage("no private key given");
    assertThatThrownBy(() -> PemKeys.readRsaPrivateKey("SECRETSTUFF"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("SECRETSTUFF");
    String certificate =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(TestKeys.PAIR.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertThatThrownBy(() -> PemKeys.readRsaPrivateKey(certificate))
        .hasMessageContaining("not an unencrypted PEM");
    String broken = "-----BEGIN RSA PRIVATE KEY-----\nAAAASECRET\n-----END RSA PRIVATE KEY-----";
    assertThatThrownBy(() -> PemKeys.readRsaPrivateKey(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("AAAASECRET");
  }
}
