package dev.forgepreview.activities.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SafeNamesTest {
  private static final List<String> HOSTILE_PARTS =
      List.of(
          ";", "$(", ")", "`", "'", "\"", " ", "\n", "\r", "\t", "|", "&", ">", "<", "*", "?", "\\",
          "#", "!", "{", "}", "--", "\0", "é", "%", "/", ".", "-", "=", "~", "[", "]");

  @Test
  void refusesEveryDatabaseNameContainingAShellMetacharacter() {
    Random random = new Random(42);
    List<String> names = new ArrayList<>();
    for (String part : HOSTILE_PARTS) {
      names.add(part);
      names.add("shop" + part);
      names.add(part + "shop");
      names.add("pr_1" + part + "rm -rf /");
    }
    for (int i = 0; i < 2000; i++) {
      String part = HOSTILE_PARTS.get(random.nextInt(HOSTILE_PARTS.size()));
      String prefix = Integer.toString(random.nextInt(1000), 36);
      names.add(random.nextBoolean() ? prefix + part : part + prefix + part);
    }
    names.add("");
    names.add(null);

    for (String name : names) {
      assertThatThrownBy(() -> SafeNames.requireDatabase(name))
          .as("database name %s", name)
          .isInstanceOf(SafeNames.InvalidNameException.class);
      assertThatThrownBy(() -> SafeNames.requireDbUser(name))
          .isInstanceOf(SafeNames.InvalidNameException.class);
    }
    assertThatThrownBy(() -> SafeNames.requireDatabase("a".repeat(65)))
        .isInstanceOf(SafeNames.InvalidNameException.class);
  }

  @Test
  void acceptsPlainNames() {
    assertThat(SafeNames.requireDatabase("pr_42")).isEqualTo("pr_42");
    assertThat(SafeNames.requireDatabase("ShopMaster_2024")).isEqualTo("ShopMaster_2024");
    assertThat(SafeNames.requireSshUser("forge")).isEqualTo("forge");
    assertThat(SafeNames.requireHost("db-1.internal.example.com")).isNotNull();
    assertThat(SafeNames.requireHost("127.0.0.1")).isNotNull();
    assertThat(SafeNames.requireHost("::1")).isNotNull();
    assertThat(SafeNames.requireCommand("/usr/bin/mysqldump")).isNotNull();
  }

  @Test
  void refusesHostsUsersAndCommandsWithMetacharacters() {
    for (String bad :
        List.of("db;id", "db$(id)", "db`id`", "-oProxyCommand=x", "db host", "a\nb")) {
      assertThatThrownBy(() -> SafeNames.requireHost(bad))
          .isInstanceOf(SafeNames.InvalidNameException.class);
      assertThatThrownBy(() -> SafeNames.requireSshUser(bad))
          .isInstanceOf(SafeNames.InvalidNameException.class);
      assertThatThrownBy(() -> SafeNames.requireCommand(bad))
          .isInstanceOf(SafeNames.InvalidNameException.class);
    }
    assertThatThrownBy(() -> SafeNames.requireRedisDatabase(-1))
        .isInstanceOf(SafeNames.InvalidNameException.class);
  }

  @Test
  void refusalMessagesShowControlCharactersEscaped() {
    assertThatThrownBy(() -> SafeNames.requireDatabase("a\nb;c"))
        .hasMessage("database name is not allowed: \"a\\x0ab;c\"");
  }

  @Test
  void shellQuotingSurvivesARealShell() throws Exception {
    Random random = new Random(7);
    List<String> values = new ArrayList<>(List.of("it's", "$(id)", "`id`", "a b\nc", "\\", "'\"'"));
    for (int i = 0; i < 50; i++) {
      StringBuilder value = new StringBuilder();
      for (int j = 0; j < 6; j++) {
        value.append(HOSTILE_PARTS.get(random.nextInt(HOSTILE_PARTS.size())).replace("\0", ""));
      }
      values.add(value.toString());
    }
    for (String value : values) {
      Process shell =
          new ProcessBuilder("/bin/sh", "-c", "printf '%s' " + SafeNames.shellQuote(value)).start();
      String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(printed).isEqualTo(value);
    }
  }

  @Test
  void optionFileQuotingEscapesWhatTheReaderUnescapes() {
    assertThat(SafeNames.optionFileQuote("p@ss \"w#rd' \\ $x"))
        .isEqualTo("\"p@ss \\\"w#rd\\' \\\\ $x\"");
    assertThat(SafeNames.optionFileQuote("a\nb")).isEqualTo("\"a\\nb\"");
  }
}
