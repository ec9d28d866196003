package dev.forgepreview.gateway;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA, a server certificate for {@code localhost} and a client certificate, as PEM
 * files the way an operator mounts them ({@code ca.pem}, {@code server.pem}/{@code server.key},
 * {@code client.pem}/{@code client.key}; keys PKCS#8).
 */
final class TestCertificates {
  private TestCertificates() {}

  static Path write(Path dir) throws IOException, GeneralSecurityException {
    KeyPair ca = rsa();
    X500Name caName = new X500Name("CN=forge-preview test CA");
    X509Certificate caCert = sign(caName, ca, caName, ca, true, false);
    KeyPair server = rsa();
    X509Certificate serverCert =
        sign(new X500Name("CN=localhost"), server, caName, ca, false, true);
    KeyPair client = rsa();
    X509Certificate clientCert =
        sign(new X500Name("CN=forge-preview gateway"), client, caName, ca, false, false);
    pem(dir.resolve("ca.pem"), "CERTIFICATE", caCert.getEncoded());
    pem(dir.resolve("server.pem"), "CERTIFICATE", serverCert.getEncoded());
    pem(dir.resolve("server.key"), "PRIVATE KEY", server.getPrivate().getEncoded());
    pem(dir.resolve("client.pem"), "CERTIFICATE", clientCert.getEncoded());
    pem(dir.resolve("client.key"), "PRIVATE KEY", client.getPrivate().getEncoded());
    return dir;
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      KeyPair issuerKeys,
      boolean isCa,
      boolean localhost)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(subject.hashCode())),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (localhost) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void pem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
