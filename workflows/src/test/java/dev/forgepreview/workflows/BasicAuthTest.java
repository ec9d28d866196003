package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.HealthActivities.ConnectivityRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities.ProtectSiteRequest;
import dev.forgepreview.workflows.activities.SiteAccessActivities.UnprotectSiteRequest;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** Basic auth in front of a preview: where the workflow protects the site and lifts it again. */
class BasicAuthTest {
  private static final String ID = "preview:acme:shop:42";

  @Test
  void siteIsProtectedBeforeAnythingIsDeployedAndTheRuleGoesBeforeTheSite() {
    PreviewSettings settings = TestSettings.withBasicAuth(TestSettings.dedicated(), "preview");
    try (MockedActivities activities = new MockedActivities(settings)) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      PreviewLifecycleTest.awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.access()).isEqualTo("basic auth, user preview");
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .containsSubsequence("create-site", "protect-site", "create-database", "deploy");
      ArgumentCaptor<ProtectSiteRequest> protect =
          ArgumentCaptor.forClass(ProtectSiteRequest.class);
      verify(activities.access).protectSite(protect.capture());
      assertThat(protect.getValue().repository()).isEqualTo("acme/shop");
      assertThat(protect.getValue().previewId()).isEqualTo(ID);
      assertThat(protect.getValue().siteId()).isEqualTo(11L);
      ArgumentCaptor<ConnectivityRequest> check =
          ArgumentCaptor.forClass(ConnectivityRequest.class);
      verify(activities.health).checkConnectivity(check.capture());
      assertThat(check.getValue().repository()).isEqualTo("acme/shop");
      assertThat(check.getValue().previewId()).isEqualTo(ID);

      workflow.destroy(new DestroySignal("done", "octocat"));
      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.DESTROYED);
      assertThat(result.rolledBack()).containsSubsequence("delete-security-rule", "delete-site");
      InOrder order = inOrder(activities.access, activities.forge);
      order.verify(activities.access).unprotectSite(any(UnprotectSiteRequest.class));
      order.verify(activities.forge).deleteSite(any(ForgeActivities.DeleteSiteRequest.class));
    }
  }

  @Test
  void aFailedProtectionFailsThePreviewInsteadOfLeavingItOpen() {
    PreviewSettings settings = TestSettings.withBasicAuth(TestSettings.dedicated(), "preview");
    try (MockedActivities activities = new MockedActivities(settings)) {
      doThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "BLOG_PREVIEW_PASSWORD is not set", FailureType.INVALID_INPUT.name()))
          .when(activities.access)
          .protectSite(any());
      activities.start(TestSettings.request(42, "feature/x", "abc1234"));

      PreviewStatus result = activities.result(ID);

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo("protect-site");
      assertThat(result.access()).isNull();
      verify(activities.forge, never()).deploySite(any());
      verify(activities.forge).deleteSite(any());
    }
  }

  @Test
  void anOpenRepositoryNeverTouchesSecurityRules() {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      PreviewLifecycleTest.awaitPhase(activities, workflow, Phase.READY);
      workflow.destroy(new DestroySignal("done", "octocat"));

      PreviewStatus result = activities.result(ID);

      assertThat(result.access()).isNull();
      verify(activities.access, never()).protectSite(any());
      verify(activities.access, never()).unprotectSite(any());
    }
  }
}
