package dev.forgepreview.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Keeps workflow code free of I/O, clocks, threads, locks and randomness (README, How it works).
 */
class WorkflowDeterminismArchitectureTest {
  private static final JavaClasses WORKFLOW_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.forgepreview.workflows");

  @Test
  void workflowCodeDoesNoIoAndUsesNoWallClockThreadsOrLocks() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "java.io..",
                "java.nio..",
                "java.net..",
                "java.util.concurrent..",
                "java.sql..",
                "okhttp3..",
                "net.schmizz..",
                "dev.forgepreview.activities..")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .orShould()
            .callMethod(Thread.class, "sleep", long.class)
            .orShould()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(java.util.UUID.class, "randomUUID")
            .orShould()
            .callConstructor(java.util.Random.class)
            .orShould()
            .callConstructor(Thread.class, Runnable.class)
            .orShould()
            .accessField(System.class, "out")
            .orShould()
            .accessField(System.class, "err")
            .orShould()
            .callMethod(org.slf4j.LoggerFactory.class, "getLogger", Class.class);
    rule.check(WORKFLOW_CODE);
  }
}
