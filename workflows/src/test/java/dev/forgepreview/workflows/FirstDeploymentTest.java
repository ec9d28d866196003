package dev.forgepreview.workflows;

import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitCondition;
import static dev.forgepreview.workflows.PreviewLifecycleTest.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.forgepreview.workflows.activities.ForgeActivities.DeployRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.InstalledSite;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteDeploymentScriptRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.WriteEnvironmentRequest;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The first deployment of a site the preview created costs one Forge call per step: what the
 * install saw of the site is handed on, and the deploy knows there is no earlier history entry. An
 * update reads the site and the history again (a person may have changed them since).
 */
class FirstDeploymentTest {
  private static final InstalledSite SEEN = new InstalledSite("forge", "pr-42.example", false);

  @Test
  void theFirstDeploymentUsesWhatTheInstallSawAndAnUpdateReadsAgain() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      when(activities.forge.installRepository(any())).thenReturn(SEEN);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      workflow.update(new UpdateSignal("sha-2", "feature/x", "push-2", "alice"));
      awaitCondition(activities, () -> "sha-2".equals(workflow.status().deployedSha()));

      ArgumentCaptor<WriteEnvironmentRequest> environment =
          ArgumentCaptor.forClass(WriteEnvironmentRequest.class);
      verify(activities.forge).writeEnvironment(environment.capture());
      assertThat(environment.getValue().repositoryInstalled()).isTrue();
      ArgumentCaptor<WriteDeploymentScriptRequest> scripts =
          ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
      verify(activities.forge, times(2)).writeDeploymentScript(scripts.capture());
      assertThat(scripts.getAllValues())
          .extracting(WriteDeploymentScriptRequest::site)
          .containsExactly(SEEN, null);
      ArgumentCaptor<DeployRequest> deploys = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge, times(2)).deploySite(deploys.capture());
      assertThat(deploys.getAllValues())
          .extracting(DeployRequest::headSha, DeployRequest::firstOnSite)
          .containsExactly(Tuple.tuple("sha-1", true), Tuple.tuple("sha-2", false));
    }
  }

  @Test
  void quickDeployOnAtTheInstallMakesTheDeployReadTheHistory() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      InstalledSite pushToDeploy = new InstalledSite("forge", "pr-42.example", true);
      when(activities.forge.installRepository(any())).thenReturn(pushToDeploy);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      // The script step turns quick deploy off without reading the site, but a push may have
      // deployed before that: the deploy tells its own entry from the history.
      ArgumentCaptor<WriteDeploymentScriptRequest> script =
          ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
      verify(activities.forge).writeDeploymentScript(script.capture());
      assertThat(script.getValue().site()).isEqualTo(pushToDeploy);
      ArgumentCaptor<DeployRequest> deploy = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge).deploySite(deploy.capture());
      assertThat(deploy.getValue().firstOnSite()).isFalse();
    }
  }

  @Test
  void anAdoptedSiteIsDeployedAsOneThatMayHaveDeployedBefore() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      when(activities.forge.installRepository(any())).thenReturn(SEEN);
      // create-site found a site of that domain (a leftover of an earlier run) and adopted it.
      activities.sitesCreated = false;
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<DeployRequest> deploy = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge).deploySite(deploy.capture());
      assertThat(deploy.getValue().firstOnSite()).isFalse();
    }
  }

  @Test
  void anInstallRecordedBeforeItReturnedTheSiteLeavesEachStepToReadForItself() {
    try (MockedActivities activities = new MockedActivities(TestSettings.shared(99))) {
      // What a history recorded before the step returned anything replays with.
      when(activities.forge.installRepository(any())).thenReturn(null);
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "sha-1"));
      awaitPhase(activities, workflow, Phase.READY);

      ArgumentCaptor<WriteEnvironmentRequest> environment =
          ArgumentCaptor.forClass(WriteEnvironmentRequest.class);
      verify(activities.forge).writeEnvironment(environment.capture());
      assertThat(environment.getValue().repositoryInstalled()).isFalse();
      ArgumentCaptor<WriteDeploymentScriptRequest> script =
          ArgumentCaptor.forClass(WriteDeploymentScriptRequest.class);
      verify(activities.forge).writeDeploymentScript(script.capture());
      assertThat(script.getValue().site()).isNull();
      ArgumentCaptor<DeployRequest> deploy = ArgumentCaptor.forClass(DeployRequest.class);
      verify(activities.forge).deploySite(deploy.capture());
      assertThat(deploy.getValue().firstOnSite()).isFalse();
    }
  }
}
