package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The workflow ids the gateway, the worker and the CLIs agree on. */
class PreviewIdsTest {

  @Test
  void oneIdPerPullRequestWhateverTheCaseOfOwnerAndRepository() {
    assertThat(PreviewIds.workflowId("Acme", "Shop", 42)).isEqualTo("preview:acme:shop:42");
    assertThat(PreviewIds.workflowId("acme", "shop", 1)).isEqualTo("preview:acme:shop:1");
    assertThat(PreviewIds.repositoryKey("Acme", "Shop")).isEqualTo("acme/shop");
  }

  @ParameterizedTest
  @CsvSource({",shop,42", "acme,,42", "' ',shop,42", "acme,' ',42", "acme,shop,0", "acme,shop,-3"})
  void anIncompleteOrNonPositiveAddressIsRefused(String owner, String repo, int number) {
    assertThatThrownBy(() -> PreviewIds.workflowId(owner, repo, number))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("owner, repo and a positive pull request number are needed");
  }

  @ParameterizedTest
  @CsvSource({"ac:me,shop", "acme,sh:op"})
  void aColonCouldForgeAnotherPreviewsIdSoItIsRefused(String owner, String repo) {
    assertThatThrownBy(() -> PreviewIds.workflowId(owner, repo, 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("owner and repo cannot contain ':'");
  }

  @Test
  void composePreviewsOfEveryRepositoryOnAHostShareItsCoordinator() {
    assertThat(PreviewIds.composeHostAdmissionId("Previews.Example.com"))
        .isEqualTo("admission:host:previews.example.com");
    assertThat(PreviewIds.isPreviewWorkflowId(PreviewIds.composeHostAdmissionId("h"))).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PreviewIds.composeHostAdmissionId(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void previewIdsAreRecognised() {
    assertThat(PreviewIds.isPreviewWorkflowId(PreviewIds.workflowId("acme", "shop", 42))).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "preview-cleanup",
        "preview:acme:shop",
        "preview:acme:shop:42:1",
        "x:acme:shop:42"
      })
  void otherWorkflowIdsAreNotPreviews(String id) {
    assertThat(PreviewIds.isPreviewWorkflowId(id)).isFalse();
  }
}
