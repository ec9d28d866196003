package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the settings loader tells an operator about a configured {@code deployScript}. */
class DeployScriptTemplateTest {

  @Test
  void noTemplateMeansTheDefaultWhichPinsTheShaAndNeverPulls() {
    assertThat(DeployScriptTemplate.problems(null)).isEmpty();
    assertThat(DeployScriptTemplate.problems(DeployScriptTemplate.DEFAULT)).isEmpty();
    assertThat(DeployScriptTemplate.DEFAULT)
        .contains("git reset --hard {sha}")
        .doesNotContain("git pull");
    DeployScriptTemplate.VARIABLES.forEach(
        variable -> assertThat(DeployScriptTemplate.DEFAULT).contains("{" + variable + "}"));
  }

  @Test
  void aTemplateThatChecksOutTheShaCanBeUsed() {
    assertThat(DeployScriptTemplate.problems("cd {site_path}\ngit checkout --detach {sha}\n"))
        .isEmpty();
  }

  @Test
  void aTemplateWithoutTheShaIsRefusedWithTheReason() {
    assertThat(DeployScriptTemplate.problems("cd {site_path}\ngit pull origin {branch}\n"))
        .containsExactly("must use {sha}: it is how the approved commit is checked out");
  }

  @Test
  void aBlankTemplateIsRefusedForBothReasons() {
    assertThat(DeployScriptTemplate.problems("  \n"))
        .containsExactly(
            "is blank", "must use {sha}: it is how the approved commit is checked out");
  }

  @Test
  void aNulCharacterIsRefused() {
    assertThat(DeployScriptTemplate.problems("git reset --hard {sha}\0"))
        .containsExactly("contains a NUL character");
  }
}
