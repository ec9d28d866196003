package dev.forgepreview.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * APR1-MD5 against hashes made by {@code openssl passwd -apr1 -salt SALT PASSWORD} (OpenSSL 3), the
 * format nginx's {@code auth_basic_user_file} checks; nginx itself accepting them is in {@link
 * ComposeActivitiesImplTest}.
 */
class HtpasswdTest {

  @Test
  void hashesAsOpensslPasswdApr1Does() {
    assertThat(Htpasswd.apr1("hi $(id) ' \" ;|&", "Pr3vIew."))
        .isEqualTo("$apr1$Pr3vIew.$Gi5AHJX0xYnGZAt7jTV/M0");
    assertThat(Htpasswd.apr1("", "abcdefgh")).isEqualTo("$apr1$abcdefgh$L.PT565ESX4Tp2bqNs7Ie.");
    assertThat(Htpasswd.apr1("pässwörd", "xY")).isEqualTo("$apr1$xY$d98H4QP6RcmZeObr8DA1R1");
    assertThat(
            Htpasswd.apr1(
                "a-rather-long-password-of-more-than-sixteen-bytes-0123456789", "12345678"))
        .isEqualTo("$apr1$12345678$0d6zeXPZHnWMlpS.MTJ5X/");
  }

  @Test
  void aLineIsTheUserAndTheHashWithAFreshSaltNeverThePassword() {
    String first = Htpasswd.line("preview", "correct horse");
    String second = Htpasswd.line("preview", "correct horse");
    assertThat(first).matches("preview:\\$apr1\\$[./0-9A-Za-z]{8}\\$[./0-9A-Za-z]{22}\n");
    assertThat(first).isNotEqualTo(second).doesNotContain("correct horse");
    String salt = first.substring("preview:$apr1$".length(), "preview:$apr1$".length() + 8);
    assertThat(first).isEqualTo("preview:" + Htpasswd.apr1("correct horse", salt) + "\n");
  }

  @Test
  void refusesAUserThatWouldBreakTheFile() {
    assertThatThrownBy(() -> Htpasswd.line("a:b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Htpasswd.line("a\nb", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Htpasswd.apr1("x", "bad salt"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
