package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one derivation of resource names, and the cleanup's way back from a name to its preview. */
class PreviewNamesTest {
  private static final PreviewSettings SHOP = TestSettings.dedicated();

  static PreviewSettings with(
      PreviewSettings s, String repository, String project, String site, String database) {
    s = TestSettings.with(s, "repository", repository);
    s = TestSettings.with(s, "project", project);
    s = TestSettings.with(s, "siteTemplate", site);
    return TestSettings.with(s, "databaseTemplate", database);
  }

  static PreviewSettings redis(int databases) {
    return TestSettings.with(SHOP, "redisDatabases", databases);
  }

  @Test
  void legacyServerNamesAreWhatTheFirstReleaseGave() {
    assertThat(PreviewNames.serverName(SHOP, 42, PreviewNames.LEGACY)).isEqualTo("pr-42-shop");
  }

  @Test
  void serverNamesCarryAStableHashOfOwnerAndRepository() {
    assertThat(PreviewNames.serverName(SHOP, 42, PreviewNames.OWNER_HASH))
        .isEqualTo("pr-42-shop-9b3a2c");
    assertThat(PreviewNames.ownerHash("acme/shop")).isEqualTo("9b3a2c");
    assertThat(PreviewNames.ownerHash("Acme/Shop")).isEqualTo("9b3a2c");
    assertThat(PreviewNames.ownerHash("org1/web")).isEqualTo("60cfc1");
    assertThat(PreviewNames.ownerHash("org2/web")).isEqualTo("cb485c");
    assertThat(PreviewNames.ownerHash("a")).isEqualTo("0c292c");
  }

  /** The case: the same repository name under two owners, both dedicated. */
  @Test
  void sameRepositoryNameUnderTwoOwnersGetsTwoServers() {
    PreviewSettings one = with(SHOP, "org1/web", "web", SHOP.siteTemplate(), "pr_{number}");
    PreviewSettings two = with(SHOP, "org2/web", "web", SHOP.siteTemplate(), "pr_{number}");

    assertThat(PreviewNames.serverName(one, 42, PreviewNames.LEGACY))
        .isEqualTo(PreviewNames.serverName(two, 42, PreviewNames.LEGACY))
        .isEqualTo("pr-42-web");
    assertThat(PreviewNames.serverName(one, 42, PreviewNames.OWNER_HASH))
        .isEqualTo("pr-42-web-60cfc1");
    assertThat(PreviewNames.serverName(two, 42, PreviewNames.OWNER_HASH))
        .isEqualTo("pr-42-web-cb485c");
  }

  @Test
  void aLongProjectIsCutSoTheServerNameIsOneLabelEndingInTheHash() {
    String project = "a".repeat(50) + "-" + "b".repeat(30);
    PreviewSettings longOne = with(SHOP, "acme/shop", project, SHOP.siteTemplate(), "x{number}");

    String legacy = PreviewNames.serverName(longOne, 1, PreviewNames.LEGACY);
    String hashed = PreviewNames.serverName(longOne, 1, PreviewNames.OWNER_HASH);

    assertThat(legacy).hasSize(63).isEqualTo("pr-1-" + "a".repeat(50) + "-" + "b".repeat(7));
    // 56 characters would end on the hyphen after the a's: it is dropped before the hash.
    assertThat(hashed).isEqualTo("pr-1-" + "a".repeat(50) + "-9b3a2c").hasSize(62);
    String exact = "c".repeat(49);
    assertThat(
            PreviewNames.serverName(
                with(SHOP, "acme/shop", exact, SHOP.siteTemplate(), "x"),
                1,
                PreviewNames.OWNER_HASH))
        .isEqualTo("pr-1-" + "c".repeat(49) + "-9b3a2c")
        .hasSize(61);
    assertThat(
            PreviewNames.serverName(
                with(SHOP, "acme/shop", exact + "cc", SHOP.siteTemplate(), "x"),
                1,
                PreviewNames.OWNER_HASH))
        .hasSize(63);
  }

  @Test
  void siteDomainsFollowTheTemplateLabelByLabel() {
    assertThat(PreviewNames.siteDomain(SHOP, 42)).isEqualTo("pr-42-shop.preview.acme.dev");
    PreviewSettings odd =
        with(SHOP, "acme/my_shop", "My_Shop", "-PR {number}-..{project}!.{domain}", "x");
    assertThat(PreviewNames.siteDomain(odd, 7)).isEqualTo("pr-7.my-shop.preview.acme.dev");
    PreviewSettings longLabel =
        with(SHOP, "acme/shop", "s".repeat(70), "{project}-{number}.{domain}", "x");
    assertThat(PreviewNames.siteDomain(longLabel, 7).split("\\.")[0]).isEqualTo("s".repeat(63));
    PreviewSettings cutAtHyphen =
        with(SHOP, "acme/shop", "s".repeat(62), "{project}-{number}.{domain}", "x");
    assertThat(PreviewNames.siteDomain(cutAtHyphen, 7)).startsWith("s".repeat(62) + ".");
  }

  @Test
  void aTemplateThatGivesNoDomainIsRefused() {
    PreviewSettings empty = with(SHOP, "acme/shop", "shop", "..!..", "x");
    assertThatThrownBy(() -> PreviewNames.siteDomain(empty, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty domain");
  }

  @Test
  void databaseNamesAreLowerCaseLettersDigitsAndSingleUnderscores() {
    assertThat(PreviewNames.databaseName(SHOP, 42)).isEqualTo("pr_42");
    PreviewSettings custom = with(SHOP, "acme/shop", "My-Shop", "x", "__{project}--{number}__");
    assertThat(PreviewNames.databaseName(custom, 42)).isEqualTo("my_shop_42");
    PreviewSettings nothing = with(SHOP, "acme/shop", "shop", "x", "!!!");
    assertThat(PreviewNames.databaseName(nothing, 42)).isEqualTo("pr_42");
    PreviewSettings longOne = with(SHOP, "acme/shop", "d".repeat(70), "x", "{project}_{number}");
    assertThat(PreviewNames.databaseName(longOne, 42)).isEqualTo("d".repeat(63));
    assertThat(PreviewNames.databaseUser(longOne, 42)).isEqualTo("d".repeat(32));
    PreviewSettings exact = with(SHOP, "acme/shop", "d".repeat(29), "x", "{project}_{number}");
    assertThat(PreviewNames.databaseUser(exact, 1)).isEqualTo("d".repeat(29) + "_1");
  }

  @Test
  void siteUsersAreShortUnixNames() {
    assertThat(PreviewNames.siteUser(SHOP, 42)).isEqualTo("pr42-shop");
    PreviewSettings odd = with(SHOP, "acme/shop", "My__Shop!", "x", "x");
    assertThat(PreviewNames.siteUser(odd, 42)).isEqualTo("pr42-my-shop");
    PreviewSettings longOne = with(SHOP, "acme/shop", "u".repeat(26) + "-v", "x", "x");
    assertThat(PreviewNames.siteUser(longOne, 42)).isEqualTo("pr42-" + "u".repeat(26));
    PreviewSettings exact = with(SHOP, "acme/shop", "u".repeat(27), "x", "x");
    assertThat(PreviewNames.siteUser(exact, 42)).hasSize(32);
  }

  @Test
  void redisDatabasesLeaveZeroToTheServer() {
    assertThat(PreviewNames.redisDatabase(redis(16), 42)).isEqualTo(13);
    assertThat(PreviewNames.redisDatabase(redis(16), 15)).isEqualTo(1);
    assertThat(PreviewNames.redisDatabase(redis(3), 5)).isEqualTo(2);
    assertThat(PreviewNames.redisDatabase(redis(1), 5)).isEqualTo(1);
    assertThat(PreviewNames.redisDatabase(redis(2), 6)).isEqualTo(1);
  }

  @Test
  void allNamesAtOnceAndNoServerInSharedMode() {
    assertThat(PreviewNames.of(SHOP, 42, PreviewNames.OWNER_HASH))
        .isEqualTo(
            new PreviewResourceNames(
                1,
                "pr-42-shop-9b3a2c",
                "pr-42-shop.preview.acme.dev",
                "pr42-shop",
                "pr_42",
                "pr_42",
                13));
    assertThat(PreviewNames.of(TestSettings.shared(5L), 42, PreviewNames.LEGACY).server()).isNull();
    assertThat(PreviewNames.of(SHOP, 42, PreviewNames.LEGACY).server()).isEqualTo("pr-42-shop");
  }

  @Test
  void ownerNumberParsesEitherSchemesServerName() {
    assertThat(PreviewNames.ownerNumber(SHOP, "server", "pr-42-shop")).isEqualTo(42);
    assertThat(PreviewNames.ownerNumber(SHOP, "server", "pr-42-shop-9b3a2c")).isEqualTo(42);
    assertThat(PreviewNames.ownerNumber(SHOP, "server", "pr-42-shop-cb485c")).isNull();
    assertThat(PreviewNames.ownerNumber(SHOP, "server", "pr-42-other")).isNull();
    assertThat(PreviewNames.ownerNumber(TestSettings.shared(5L), "server", "pr-42-shop")).isNull();
  }

  @Test
  void ownerNumberParsesACustomTemplateBack() {
    PreviewSettings custom =
        with(SHOP, "acme/shop", "shop", "app2-{number}.{domain}", "app2db_{number}");
    assertThat(PreviewNames.ownerNumber(custom, "site", "app2-17.preview.acme.dev")).isEqualTo(17);
    assertThat(PreviewNames.ownerNumber(custom, "database", "app2db_17")).isEqualTo(17);
    assertThat(PreviewNames.ownerNumber(custom, "site", "pr-17-shop.preview.acme.dev")).isNull();
    assertThat(PreviewNames.ownerNumber(custom, "database", "pr_17")).isNull();
    assertThat(PreviewNames.ownerNumber(custom, "worker", "app2db_17")).isNull();
  }

  @Test
  void ownerNumberRefusesNumbersNoPullRequestHas() {
    PreviewSettings digits = with(SHOP, "acme/shop", "shop", "x", "db_{number}");
    assertThat(PreviewNames.ownerNumber(digits, "database", "db_0")).isNull();
    assertThat(PreviewNames.ownerNumber(digits, "database", "db_007")).isNull();
    assertThat(PreviewNames.ownerNumber(digits, "database", "db_")).isNull();
    assertThat(PreviewNames.ownerNumber(digits, "database", "db_123456789")).isEqualTo(123456789);
    assertThat(PreviewNames.ownerNumber(digits, "database", "db_1234567890")).isNull();
  }

  @Test
  void dnsLabelsAreLowerCaseWithSingleInnerHyphens() {
    assertThat(PreviewNames.dnsLabel("--My__Shop--")).isEqualTo("my-shop");
    assertThat(PreviewNames.dnsLabel("a".repeat(62) + "-b")).isEqualTo("a".repeat(62));
  }
}
