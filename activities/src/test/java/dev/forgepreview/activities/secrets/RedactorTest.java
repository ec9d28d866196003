package dev.forgepreview.activities.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void masksCredentialsInLogLinesButKeepsWhatHelps() {
    String log =
        """
        fatal: unable to access 'https://x-access-token:ghs_abc123@github.com/acme/shop.git/'
        Installing dependencies; APP_KEY=base64:Zm9vYmFyYmF6 DB_PASSWORD="p@ss w0rd" token: abcd
        Authorization failed for ghp_0123456789abcdefghijklmnopqrstuvwxyz
        ERROR 1045 (28000): Access denied for user 'pr_42'@'localhost'
        """;

    String redacted = Redactor.redact(log);

    assertThat(redacted)
        .doesNotContain("ghs_abc123")
        .doesNotContain("Zm9vYmFyYmF6")
        .doesNotContain("p@ss w0rd")
        .doesNotContain("ghp_0123456789abcdefghijklmnopqrstuvwxyz")
        .contains("https://***@github.com/acme/shop.git")
        .contains("APP_KEY=***")
        .contains("Access denied for user 'pr_42'@'localhost'");
  }

  @Test
  void theDeployedCommitStaysReadableAndOtherLongTokensAreStillMasked() {
    String sha = "26d62cab5833b27edede24a3503bba76d6c63cbb";
    String other = "0123456789abcdef0123456789abcdef01234567";
    String log =
        "Deploying branch feature/x at "
            + sha
            + "\nfetched "
            + other
            + "\nusing ghp_0123456789abcdefghijklmnopqrstuvwxyz\n";

    String redacted = Redactor.redact(log, List.of(sha, "not-a-commit-but-long-0123456789abcdef"));

    assertThat(redacted)
        .contains("Deploying branch feature/x at " + sha)
        .doesNotContain(other)
        .doesNotContain("ghp_0123456789abcdefghijklmnopqrstuvwxyz");
    // Without the commit the workflow knows, it is masked like any token (the old behaviour).
    assertThat(Redactor.redact(log)).doesNotContain(sha).contains("at ***");
  }
}
