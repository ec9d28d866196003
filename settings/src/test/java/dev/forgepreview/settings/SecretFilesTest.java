package dev.forgepreview.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rule for every {@code *_FILE} secret of both processes. */
class SecretFilesTest {
  @TempDir Path dir;

  private String read(String content) throws IOException {
    Path file = dir.resolve("secret");
    Files.writeString(file, content);
    return SecretFiles.read(file, "X_FILE");
  }

  @Test
  void oneTrailingLineBreakIsRemovedAndNothingElse() throws IOException {
    assertThat(read("s3cret")).isEqualTo("s3cret");
    assertThat(read("s3cret\n")).isEqualTo("s3cret");
    assertThat(read("s3cret\r\n")).isEqualTo("s3cret");
    assertThat(read("s3cret\n\n")).isEqualTo("s3cret\n");
    assertThat(read(" s3 cret \n")).isEqualTo(" s3 cret ");
    assertThat(read("-----BEGIN KEY-----\nabc\n-----END KEY-----\n"))
        .isEqualTo("-----BEGIN KEY-----\nabc\n-----END KEY-----");
  }

  @Test
  void anEmptyOrMissingFileNamesTheVariableNotTheContent() throws IOException {
    assertThatThrownBy(() -> read("\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("X_FILE")
        .hasMessageContaining("is empty");
    assertThatThrownBy(() -> SecretFiles.read(dir.resolve("absent"), "X_FILE"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("X_FILE")
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void theEnvironmentPrefersTheFile() throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\n");
    Env env = new Env(Map.of("TOKEN", "from-variable", "TOKEN_FILE", file.toString()));
    assertThat(env.secret("TOKEN")).contains("from-file");
    assertThat(new Env(Map.of("TOKEN", "from-variable")).secret("TOKEN")).contains("from-variable");
    assertThat(new Env(Map.of()).secret("TOKEN")).isEmpty();
  }

  @Test
  void temporalTlsNeedsTheClientCertificateAndKeyTogether() {
    assertThatThrownBy(
            () -> TemporalTls.fromEnvironment(new Env(Map.of(TemporalTls.CERT_FILE, "c.pem"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(TemporalTls.KEY_FILE);
    assertThat(TemporalTls.fromEnvironment(new Env(Map.of())).enabled()).isFalse();
    TemporalTls mtls =
        TemporalTls.fromEnvironment(
            new Env(Map.of(TemporalTls.CERT_FILE, "c.pem", TemporalTls.KEY_FILE, "k.pem")));
    assertThat(mtls.enabled()).isTrue();
    assertThat(TemporalTls.fromEnvironment(new Env(Map.of(TemporalTls.ENABLED, "true"))).enabled())
        .isTrue();
  }
}
