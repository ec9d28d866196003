package dev.forgepreview.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.gateway.webhook.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String GITHUB_EXAMPLE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final SignatureVerifier verifier =
      new SignatureVerifier("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));

  @Test
  void acceptsGitHubsDocumentedExample() {
    assertThat(verifier.isValid(BODY, GITHUB_EXAMPLE)).isTrue();
    assertThat(verifier.sign(BODY)).isEqualTo(GITHUB_EXAMPLE);
  }

  @Test
  void refusesAnyOtherBody() {
    assertThat(verifier.isValid("Hello, World".getBytes(StandardCharsets.UTF_8), GITHUB_EXAMPLE))
        .isFalse();
    assertThat(verifier.isValid(new byte[0], GITHUB_EXAMPLE)).isFalse();
  }

  @Test
  void refusesAnotherSecret() {
    SignatureVerifier other =
        new SignatureVerifier("It's a secret to everybody".getBytes(StandardCharsets.UTF_8));
    assertThat(other.isValid(BODY, GITHUB_EXAMPLE)).isFalse();
  }

  @Test
  void refusesMalformedHeaders() {
    String hex = GITHUB_EXAMPLE.substring("sha256=".length());
    assertThat(verifier.isValid(BODY, null)).isFalse();
    assertThat(verifier.isValid(BODY, "")).isFalse();
    assertThat(verifier.isValid(BODY, hex)).isFalse();
    assertThat(verifier.isValid(BODY, "sha1=" + hex)).isFalse();
    assertThat(verifier.isValid(BODY, "sha256=" + hex.substring(2))).isFalse();
    assertThat(verifier.isValid(BODY, "sha256=" + hex + "00")).isFalse();
    assertThat(verifier.isValid(BODY, "sha256=" + "zz" + hex.substring(2))).isFalse();
    assertThat(verifier.isValid(BODY, "sha256= " + hex)).isFalse();
  }

  @Test
  void neverShowsTheSecret() {
    assertThat(verifier.toString()).doesNotContain("Secret");
  }
}
