package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.PreviewSettings.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collision check runs on derived names, across every kind and every repository. */
class NameCollisionsTest {

  static PreviewSettings repo(
      String repository,
      Mode mode,
      Long sharedServer,
      String domain,
      String project,
      String siteTemplate,
      String databaseTemplate) {
    PreviewSettings s = TestSettings.dedicated();
    s = TestSettings.with(s, "repository", repository);
    s = TestSettings.with(s, "mode", mode);
    s = TestSettings.with(s, "sharedServerId", sharedServer);
    s = TestSettings.with(s, "domain", domain);
    s = TestSettings.with(s, "project", project);
    s = TestSettings.with(s, "siteTemplate", siteTemplate);
    return TestSettings.with(s, "databaseTemplate", databaseTemplate);
  }

  static PreviewSettings dedicated(String repository, String domain, String project) {
    return repo(
        repository,
        Mode.DEDICATED,
        null,
        domain,
        project,
        "pr-{number}-{project}.{domain}",
        "pr_{number}");
  }

  static PreviewSettings shared(String repository, long server, String project, String db) {
    return repo(
        repository,
        Mode.SHARED,
        server,
        "preview.example.com",
        project,
        "pr-{number}-{project}.{domain}",
        db);
  }

  /**
   * The case: on the old naming both got the server {@code pr-42-web}; with the owner hash
   * their servers differ, so the pair is accepted and neither adopts the other's server.
   */
  @Test
  void sameRepositoryNameUnderTwoOwnersOnTwoDomainsNoLongerShareAServer() {
    PreviewSettings one = dedicated("org1/web", "a.example", "web");
    PreviewSettings two = dedicated("org2/web", "b.example", "web");

    assertThat(messages(List.of(one, two))).isEmpty();
    assertThat(PreviewNames.of(one, 42, PreviewNames.OWNER_HASH).server())
        .isNotEqualTo(PreviewNames.of(two, 42, PreviewNames.OWNER_HASH).server());
  }

  /**
   * A project named like another repository's hashed server would make its cleanup take that server
   * for one of its own legacy ones.
   */
  @Test
  void aServerNameAnotherRepositoryParsesBackIsRefused() {
    PreviewSettings web = dedicated("org1/web", "a.example", "web");
    PreviewSettings lookalike = dedicated("acme/other", "b.example", "web-60cfc1");

    assertThat(messages(List.of(web, lookalike)))
        .contains(
            "org1/web #1 and acme/other #1 would both get the server pr-1-web-60cfc1: set a"
                + " different `project` or template on one of them");
  }

  @Test
  void sameRepositoryNameUnderTwoOwnersOnOneDomainIsRefused() {
    PreviewSettings one = dedicated("org1/web", "preview.example.com", "web");
    PreviewSettings two = dedicated("org2/web", "preview.example.com", "web");

    assertThat(messages(List.of(one, two)))
        .contains(
            "org1/web #1 and org2/web #1 would both get the site pr-1-web.preview.example.com:"
                + " set a different `project` or template on one of them");
  }

  /** Different raw projects, one DNS label: the old check compared raw strings and passed. */
  @Test
  void projectsThatSanitiseToTheSameLabelAreRefused() {
    PreviewSettings underscore = dedicated("acme/my_shop", "preview.example.com", "my_shop");
    PreviewSettings hyphen = dedicated("acme/my-shop", "preview.example.com", "my-shop");

    List<String> problems = messages(List.of(underscore, hyphen));

    assertThat(problems)
        .first()
        .isEqualTo(
            "acme/my_shop #1 and acme/my-shop #1 would both get the site"
                + " pr-1-my-shop.preview.example.com: set a different `project` or template on"
                + " one of them");
    assertThat(problems).allMatch(p -> p.contains("site"));
  }

  @Test
  void templatesThatOverlapAtOtherNumbersAreRefused() {
    PreviewSettings plain = dedicated("acme/shop", "preview.example.com", "shop");
    PreviewSettings offset =
        repo(
            "acme/shop2",
            Mode.DEDICATED,
            null,
            "preview.example.com",
            "shop",
            "pr-1{number}-{project}.{domain}",
            "pr_{number}");

    assertThat(messages(List.of(plain, offset)))
        .contains(
            "acme/shop2 #1 and acme/shop #11 would both get the site"
                + " pr-11-shop.preview.example.com: set a different `project` or template on one"
                + " of them");
  }

  @Test
  void databasesCollideOnlyOnTheSameSharedServer() {
    PreviewSettings shop = shared("acme/shop", 5, "shop", "pr_{number}");
    PreviewSettings blog = shared("acme/blog", 5, "blog", "pr_{number}");
    PreviewSettings elsewhere = shared("acme/blog", 6, "blog", "pr_{number}");

    assertThat(messages(List.of(shop, blog)))
        .containsExactlyInAnyOrder(
            "acme/shop #1 and acme/blog #1 would both get the database pr_1: set a different"
                + " `project` or template on one of them",
            "acme/shop #42 and acme/blog #42 would both get the database pr_42: set a different"
                + " `project` or template on one of them",
            "acme/shop #987 and acme/blog #987 would both get the database pr_987: set a"
                + " different `project` or template on one of them",
            "acme/shop and acme/blog would both get the database user pr_1 on server 5: set a"
                + " different `project` or databaseTemplate on one of them",
            "acme/shop and acme/blog would both get the database user pr_42 on server 5: set a"
                + " different `project` or databaseTemplate on one of them",
            "acme/shop and acme/blog would both get the database user pr_987 on server 5: set a"
                + " different `project` or databaseTemplate on one of them",
            "acme/blog #1 and acme/shop #1 would both get the database pr_1: set a different"
                + " `project` or template on one of them",
            "acme/blog #42 and acme/shop #42 would both get the database pr_42: set a different"
                + " `project` or template on one of them",
            "acme/blog #987 and acme/shop #987 would both get the database pr_987: set a"
                + " different `project` or template on one of them");
    assertThat(messages(List.of(shop, elsewhere))).isEmpty();
    assertThat(messages(List.of(shop, shared("acme/blog", 5, "blog", "pr_{number}_{project}"))))
        .isEmpty();
  }

  /** A dedicated repository's leftover sharedServerId does not put it on the shared server. */
  @Test
  void aDedicatedRepositoryNeverSharesDatabasesWithASharedOne() {
    PreviewSettings shop = shared("acme/shop", 5, "shop", "pr_{number}");
    PreviewSettings dedicated =
        repo(
            "acme/blog",
            Mode.DEDICATED,
            5L,
            "preview.example.com",
            "blog",
            "pr-{number}-{project}.{domain}",
            "pr_{number}");

    assertThat(messages(List.of(shop, dedicated))).isEmpty();
    assertThat(messages(List.of(dedicated, shop))).isEmpty();
  }

  @Test
  void unixAndDatabaseUsersMustDifferOnASharedServer() {
    PreviewSettings one =
        repo(
            "acme/shop",
            Mode.SHARED,
            5L,
            "a.example",
            "shop",
            "pr-{number}-{project}.{domain}",
            "a_{number}");
    PreviewSettings two =
        repo(
            "other/shop",
            Mode.SHARED,
            5L,
            "b.example",
            "shop",
            "pr-{number}-{project}.{domain}",
            "b_{number}");
    String longProject = "p".repeat(32);
    PreviewSettings three =
        repo(
            "acme/x",
            Mode.SHARED,
            7L,
            "a.example",
            longProject + "x",
            "x{number}.{domain}",
            "{project}_{number}");
    PreviewSettings four =
        repo(
            "acme/y",
            Mode.SHARED,
            7L,
            "a.example",
            longProject + "y",
            "y{number}.{domain}",
            "{project}_{number}_y");

    assertThat(messages(List.of(one, two)))
        .containsExactly(
            "acme/shop and other/shop would both get the site user pr1-shop on server 5: set a"
                + " different `project` or databaseTemplate on one of them",
            "acme/shop and other/shop would both get the site user pr42-shop on server 5: set a"
                + " different `project` or databaseTemplate on one of them",
            "acme/shop and other/shop would both get the site user pr987-shop on server 5: set a"
                + " different `project` or databaseTemplate on one of them");
    assertThat(messages(List.of(three)))
        .containsExactly(
            "acme/x: every pull request would get the database user "
                + longProject
                + " (32 characters at most): put {number} early in databaseTemplate");
    assertThat(messages(List.of(three, four)))
        .contains(
            "acme/x and acme/y would both get the database user "
                + longProject
                + " on server 7: set a different `project` or databaseTemplate on one of them");
  }

  @Test
  void aTemplateWithoutTheNumberIsRefused() {
    PreviewSettings noNumber =
        repo(
            "acme/shop",
            Mode.SHARED,
            5L,
            "preview.example.com",
            "shop",
            "{project}.{domain}",
            "shop");

    assertThat(messages(List.of(noNumber)))
        .containsExactly(
            "acme/shop: every pull request would get the site shop.preview.example.com: put"
                + " {number} in siteTemplate",
            "acme/shop: every pull request would get the database user shop (32 characters at"
                + " most): put {number} early in databaseTemplate");
    PreviewSettings dedicated =
        repo(
            "acme/shop",
            Mode.DEDICATED,
            null,
            "preview.example.com",
            "shop",
            "pr-{number}.{domain}",
            "shop");
    assertThat(messages(List.of(dedicated))).isEmpty();
  }

  @Test
  void oneRepositoryAloneCollidesWithNothing() {
    assertThat(messages(List.of(TestSettings.dedicated()))).isEmpty();
    assertThat(messages(List.of(TestSettings.shared(5L)))).isEmpty();
  }

  @Test
  void eachCollisionNamesTheRepositoryToPointAt() {
    PreviewSettings underscore = dedicated("acme/my_shop", "preview.example.com", "my_shop");
    PreviewSettings hyphen = dedicated("acme/my-shop", "preview.example.com", "my-shop");

    assertThat(NameCollisions.find(List.of(underscore, hyphen)))
        .extracting(NameCollisions.Collision::repository)
        .startsWith("acme/my_shop")
        .contains("acme/my-shop");
  }

  private static List<String> messages(List<PreviewSettings> repositories) {
    return NameCollisions.find(repositories).stream()
        .map(NameCollisions.Collision::message)
        .toList();
  }
}
