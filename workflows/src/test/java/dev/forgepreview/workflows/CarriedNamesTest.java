package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.activities.DatabaseCloneActivities.FlushRedisRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Names are derived once, carried, and what teardown deletes; running previews keep theirs. */
class CarriedNamesTest {
  private static final String ID = "preview:acme:shop:42";

  @Test
  void aNewPreviewNamesItsServerWithTheOwnerHashAndCarriesEveryName() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      awaitPhase(activities, workflow, Phase.READY);

      PreviewResourceNames names = workflow.status().names();
      String server = "pr-42-shop-" + PreviewNames.ownerHash("acme/shop");
      assertThat(names)
          .isEqualTo(
              new PreviewResourceNames(
                  PreviewNames.OWNER_HASH,
                  server,
                  "pr-42-shop.preview.acme.dev",
                  "pr42-shop",
                  "pr_42",
                  "pr_42",
                  PreviewNames.redisDatabase(TestSettings.dedicated(), 42)));
      ArgumentCaptor<CreateServerRequest> created =
          ArgumentCaptor.forClass(CreateServerRequest.class);
      verify(activities.forge).createServer(created.capture());
      assertThat(created.getValue().name()).isEqualTo(server);

      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result(ID);
      ArgumentCaptor<DeleteServerRequest> deleted =
          ArgumentCaptor.forClass(DeleteServerRequest.class);
      verify(activities.forge).deleteServer(deleted.capture());
      assertThat(deleted.getValue().name()).isEqualTo(server);
    }
  }

  /**
   * A run continued from the first release carried no names: it created {@code pr-42-shop}, and
   * that is what its teardown deletes, not the owner-hash name new previews get.
   */
  @Test
  void aPreviewContinuedFromTheFirstReleaseKeepsItsLegacyNames() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewStatus firstRelease =
          new PreviewStatus(
              ID,
              "acme/shop",
              42,
              Phase.READY,
              "https://pr-42-shop.preview.acme.dev",
              "feature/x",
              "sha-1",
              "sha-1",
              ForgeResources.none().withServer(7L, "192.0.2.7").withSite(11L),
              List.of(),
              List.of(),
              null,
              null,
              null,
              List.of(),
              1,
              null,
              null);
      PreviewEnvironmentWorkflow workflow = activities.start(carrying(firstRelease));
      awaitPhase(activities, workflow, Phase.READY);
      assertThat(workflow.status().names().server()).isEqualTo("pr-42-shop");
      assertThat(workflow.status().names().scheme()).isEqualTo(PreviewNames.LEGACY);

      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result(ID);
      ArgumentCaptor<DeleteServerRequest> deleted =
          ArgumentCaptor.forClass(DeleteServerRequest.class);
      verify(activities.forge).deleteServer(deleted.capture());
      assertThat(deleted.getValue().name()).isEqualTo("pr-42-shop");
    }
  }

  /**
   * Teardown deletes the names the preview carries, even where today's settings would derive others
   * (on the old code it recomputed them from the settings and deleted the wrong ones).
   */
  @Test
  void teardownDeletesTheCarriedNamesNotARecomputation() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(9L))) {
      PreviewResourceNames carried =
          new PreviewResourceNames(
              PreviewNames.OWNER_HASH,
              null,
              "carried.preview.acme.dev",
              "carried-user",
              "carried_db",
              "carried_user",
              5);
      PreviewStatus status =
          new PreviewStatus(
              ID,
              "acme/shop",
              42,
              Phase.READY,
              "https://carried.preview.acme.dev",
              "feature/x",
              "sha-1",
              "sha-1",
              ForgeResources.none().withServer(9L, "192.0.2.9").withSite(11L),
              List.of(),
              List.of(),
              null,
              null,
              null,
              List.of(),
              1,
              null,
              null,
              carried,
              List.of(),
              null);
      PreviewEnvironmentWorkflow workflow = activities.start(carrying(status));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.destroy(new DestroySignal("closed", "octocat"));
      activities.result(ID);
      ArgumentCaptor<DeleteSiteRequest> site = ArgumentCaptor.forClass(DeleteSiteRequest.class);
      verify(activities.forge).deleteSite(site.capture());
      assertThat(site.getValue().domain()).isEqualTo("carried.preview.acme.dev");
      ArgumentCaptor<DeleteDatabaseRequest> db =
          ArgumentCaptor.forClass(DeleteDatabaseRequest.class);
      verify(activities.forge).deleteDatabase(db.capture());
      assertThat(db.getValue().name()).isEqualTo("carried_db");
      ArgumentCaptor<DeleteDatabaseUserRequest> user =
          ArgumentCaptor.forClass(DeleteDatabaseUserRequest.class);
      verify(activities.forge).deleteDatabaseUser(user.capture());
      assertThat(user.getValue().userName()).isEqualTo("carried_user");
      ArgumentCaptor<FlushRedisRequest> redis = ArgumentCaptor.forClass(FlushRedisRequest.class);
      verify(activities.clone).flushRedis(redis.capture());
      assertThat(redis.getValue().database()).isEqualTo(5);
      verify(activities.forge, never()).deleteServer(any());
    }
  }

  private static PreviewRequest carrying(PreviewStatus status) {
    PreviewSettings settings =
        status.resources().serverId() == 7L ? TestSettings.dedicated() : TestSettings.shared(9L);
    CarriedState carried =
        new CarriedState(
            settings,
            status,
            System.currentTimeMillis() + java.time.Duration.ofDays(7).toMillis(),
            null,
            null,
            false,
            List.of(),
            "sha-1");
    return TestSettings.request(42, "feature/x", "sha-1").withCarried(carried);
  }
}
