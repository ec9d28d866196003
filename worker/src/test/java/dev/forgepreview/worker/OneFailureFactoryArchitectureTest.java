package dev.forgepreview.worker;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.forgepreview.workflows.ActivityFailures;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/**
 * Retryability has one owner: every activity failure of the worker's code (Forge, GitHub, SSH,
 * health, cleanup, settings) is built by {@link ActivityFailures}, never by hand.
 */
class OneFailureFactoryArchitectureTest {
  private static final JavaClasses PRODUCTION_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.forgepreview");

  @Test
  void onlyTheFactoryBuildsApplicationFailures() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(ActivityFailures.class.getName())
        .should()
        .callMethodWhere(
            describe(
                "a factory of ApplicationFailure (new*)",
                call ->
                    call.getTargetOwner().isEquivalentTo(ApplicationFailure.class)
                        && call.getName().startsWith("new")))
        .because("ActivityFailures decides each failure type's retryability (README)")
        .check(PRODUCTION_CODE);
  }
}
