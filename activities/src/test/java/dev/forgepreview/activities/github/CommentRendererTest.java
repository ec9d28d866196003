package dev.forgepreview.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.ForgeResources;
import dev.forgepreview.workflows.Leftover;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.StepRecord.StepState;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommentRendererTest {
  private static final String ID = "preview:acme:shop:42";

  @Test
  void startsWithTheHiddenMarker() {
    assertThat(CommentRenderer.render(ID, Statuses.ready()))
        .startsWith("<!-- forge-preview:preview:acme:shop:42 -->\n");
  }

  @Test
  void queuedShowsThePositionAndWhy() {
    String md =
        CommentRenderer.render(
            ID, Statuses.queued(3, 5, "waiting for a slot: 3 of 3 previews of acme/shop run"));

    assertThat(md)
        .contains("### ⏳ Preview environment queued")
        .contains("Queued, position 3 of 5: waiting for a slot: 3 of 3 previews of acme/shop run.")
        .contains("`/destroy`");
    assertThat(GitHubActivitiesImpl.deploymentState(Phase.QUEUED)).isEqualTo("queued");
  }

  @Test
  void buildingListsTheStepsSoFarWithStateEmojis() {
    String md = CommentRenderer.render(ID, Statuses.building());

    assertThat(md)
        .contains("Building the preview environment")
        .contains("`0123456789ab`")
        .contains("**feature/login**")
        .contains("| ✅ | create site | 1 | site 7 |")
        .contains("| ⚠️ | clone database | 1 | mysqldump exited 2 |")
        .contains("| ⏳ | deploy | 1 |  |");
  }

  @Test
  void updatingPointsAtTheVersionStillServed() {
    String md = CommentRenderer.render(ID, Statuses.of(Phase.UPDATING));

    assertThat(md).contains("Updating").contains("(" + Statuses.URL + ")");
    assertThat(md).contains("No step has started yet");
  }

  @Test
  void readyShowsUrlShaExpiryAndCommands() {
    String md = CommentRenderer.render(ID, Statuses.ready());

    assertThat(md)
        .contains("Preview environment ready")
        .contains("(" + Statuses.URL + ")")
        .contains("`0123456789ab`")
        .contains(Statuses.EXPIRES)
        .contains("`/update`")
        .contains("`/destroy`");
  }

  @Test
  void readySaysWhereTheDataCameFromAndHowOldItWasAtTheClone() {
    PreviewStatus ready = Statuses.ready();
    PreviewStatus fromSnapshot =
        withData(
            ready,
            new DataSource(
                DataSource.Kind.SNAPSHOT, "fps_20261129_030000_shop", "2026-11-29T03:00:00Z", 1),
            new StepRecord(
                "clone-database",
                StepState.SUCCEEDED,
                1,
                "2026-11-30T10:14:00Z",
                "2026-11-30T10:15:00Z",
                "copied"));
    assertThat(CommentRenderer.render(ID, fromSnapshot))
        .contains(
            "| **Data** | master snapshot of 2026-11-29 03:00 UTC (1 day 7 h old at the clone) |");

    PreviewStatus live =
        withData(
            ready,
            new DataSource(DataSource.Kind.LIVE_MASTER, "shop", "2026-11-30T10:14:00Z", 0),
            new StepRecord(
                "clone-database", StepState.WARNING, 1, "2026-11-30T10:14:00Z", null, "live"));
    assertThat(CommentRenderer.render(ID, live))
        .contains(
            "| **Data** | live copy of the master database, 2026-11-30 10:14 UTC (no snapshot yet) |");
    assertThat(CommentRenderer.render(ID, ready)).doesNotContain("**Data**");
  }

  private static PreviewStatus withData(PreviewStatus s, DataSource data, StepRecord clone) {
    List<StepRecord> steps = new java.util.ArrayList<>(s.steps());
    steps.add(0, clone);
    return new PreviewStatus(
        s.previewId(),
        s.repository(),
        s.pullRequest(),
        s.phase(),
        s.previewUrl(),
        s.branch(),
        s.headSha(),
        s.deployedSha(),
        s.resources(),
        steps,
        s.warnings(),
        s.expiresAt(),
        s.failedStep(),
        s.failureReason(),
        s.rolledBack(),
        s.deployments(),
        s.failureLog(),
        s.lastUpdateFailure(),
        s.names(),
        s.leftBehind(),
        s.startAfterTeardown(),
        s.compose(),
        s.queue(),
        data,
        s.access());
  }

  @Test
  void protectedPreviewSaysSoAndHowOperatorsGetTheCredentials() {
    PreviewStatus ready = Statuses.ready();
    PreviewStatus protectedReady =
        new PreviewStatus(
            ready.previewId(),
            ready.repository(),
            ready.pullRequest(),
            ready.phase(),
            ready.previewUrl(),
            ready.branch(),
            ready.headSha(),
            ready.deployedSha(),
            ready.resources(),
            ready.steps(),
            ready.warnings(),
            ready.expiresAt(),
            null,
            null,
            List.of(),
            1,
            null,
            null,
            null,
            List.of(),
            null,
            null,
            null,
            null,
            "basic auth, user preview");

    String md = CommentRenderer.render(ID, protectedReady);

    assertThat(md)
        .contains("🔒 basic auth, user preview")
        .contains("protected by HTTP basic auth")
        .contains("`bin/forge-preview credentials 42 --repo acme/shop`");
    assertThat(CommentRenderer.render(ID, ready)).doesNotContain("basic auth");
  }

  @Test
  void failedShowsTheStepTheReasonAndWhatWasRolledBack() {
    String md = CommentRenderer.render(ID, Statuses.failed());

    assertThat(md)
        .contains("Preview environment failed")
        .contains("**Step:** deploy")
        .contains("**Reason:** Deployment failed: composer install exited 1")
        .contains("- delete database pr\\_42")
        .contains("- delete site pr-42-shop.preview.example.com")
        .contains("| ↩️ | create database |")
        .contains("| ❌ | deploy | 1 | composer install failed |");
  }

  @Test
  void destroyingAndDestroyedSayTheEnvironmentIsGone() {
    assertThat(CommentRenderer.render(ID, Statuses.of(Phase.DESTROYING)))
        .contains("Tearing the preview environment down");
    assertThat(CommentRenderer.render(ID, Statuses.of(Phase.DESTROYED)))
        .contains("Preview environment destroyed")
        .doesNotContain(Statuses.URL);
  }

  @Test
  void teardownFailedListsWhatIsLeftAndWhatHappensNext() {
    PreviewStatus status =
        new PreviewStatus(
            "preview:acme:shop:42",
            "acme/shop",
            42,
            Phase.TEARDOWN_FAILED,
            Statuses.URL,
            "feature/login",
            Statuses.SHA,
            Statuses.SHA,
            ForgeResources.none(),
            List.of(),
            List.of(),
            Statuses.EXPIRES,
            null,
            null,
            List.of("delete-database-user"),
            1,
            null,
            null,
            null,
            List.of(
                new Leftover(
                    "site", "pr-42-shop.preview.example.com", "FORBIDDEN: 403 token revoked"),
                new Leftover("database", "pr_42", "FAILED: 422 database is in use")),
            null);

    String md = CommentRenderer.render(ID, status);

    assertThat(md)
        .contains("only partly torn down")
        .contains("- site **pr-42-shop.preview.example.com**: FORBIDDEN: 403 token revoked")
        .contains("- database **pr\\_42**: FAILED: 422 database is in use")
        .contains("The cleanup schedule deletes these")
        .doesNotContain("(" + Statuses.URL + ")");
  }

  @Test
  void escapesAndTruncatesFreeText() {
    String hostile =
        "line one\n| broken | table <script>alert(1)</script> @octocat [x](http://evil) "
            + "x".repeat(1000);
    String md =
        CommentRenderer.render(
            ID,
            Statuses.status(
                Phase.FAILED,
                List.of(Statuses.step("deploy", StepState.FAILED, hostile)),
                "deploy",
                hostile,
                List.of(hostile)));

    assertThat(md)
        .doesNotContain("<script>")
        .doesNotContain("@octocat")
        .doesNotContain("[x](http://evil)")
        .doesNotContain("line one\n")
        .doesNotContain("x".repeat(CommentRenderer.MAX_TEXT + 1))
        .contains("line one \\| broken \\| table &lt;script&gt;")
        .contains("@\u200boctocat")
        .contains("…");
  }

  @Test
  void aUrlThatIsNotPlainHttpIsNotLinked() {
    assertThat(CommentRenderer.link("javascript:alert(1)")).isNull();
    assertThat(CommentRenderer.link("https://a.example.com/x)(y")).isNull();
    assertThat(CommentRenderer.link("https://a.example.com/"))
        .isEqualTo("[https://a.example.com/](https://a.example.com/)");
  }
}
