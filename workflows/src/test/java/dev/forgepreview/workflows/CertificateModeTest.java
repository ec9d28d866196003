package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.workflows.PreviewSettings.CertificateMode;
import dev.forgepreview.workflows.activities.SiteAccessActivities.InstallCertificateRequest;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** {@code certificate: letsencrypt | wildcard | none} in the pipeline, and the old boolean. */
class CertificateModeTest {

  @Test
  void wildcardInstallsTheExistingCertificateInsteadOfAskingLetsEncrypt() {
    PreviewSettings settings = TestSettings.withWildcardCertificate(TestSettings.dedicated());
    try (MockedActivities activities = new MockedActivities(settings)) {
      PreviewEnvironmentWorkflow workflow =
          activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      PreviewLifecycleTest.awaitPhase(activities, workflow, Phase.READY);

      PreviewStatus status = workflow.status();
      assertThat(status.steps())
          .extracting(StepRecord::name)
          .contains("install-certificate")
          .doesNotContain("obtain-certificate");
      assertThat(status.resources().certificateId()).isEqualTo(71L);
      ArgumentCaptor<InstallCertificateRequest> request =
          ArgumentCaptor.forClass(InstallCertificateRequest.class);
      verify(activities.access).installCertificate(request.capture());
      assertThat(request.getValue().repository()).isEqualTo("acme/shop");
      assertThat(request.getValue().domain()).isEqualTo("pr-42-shop.preview.acme.dev");
      verify(activities.forge, never()).obtainCertificate(any());
    }
  }

  @Test
  void theOldBooleanReadsAsLetsEncryptOrNone() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String carried = json.writeValueAsString(TestSettings.dedicated());
    assertThat(carried).contains("\"certificate\":\"letsencrypt\"");

    PreviewSettings fromTrue =
        json.readValue(
            carried.replace("\"certificate\":\"letsencrypt\"", "\"certificate\":true"),
            PreviewSettings.class);
    PreviewSettings fromFalse =
        json.readValue(
            carried.replace("\"certificate\":\"letsencrypt\"", "\"certificate\":false"),
            PreviewSettings.class);

    assertThat(fromTrue.certificate()).isEqualTo(CertificateMode.LETSENCRYPT);
    assertThat(fromFalse.certificate()).isEqualTo(CertificateMode.NONE);
    assertThat(CertificateMode.of("WildCard")).isEqualTo(CertificateMode.WILDCARD);
  }
}
