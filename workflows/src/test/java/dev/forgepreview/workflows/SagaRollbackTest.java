package dev.forgepreview.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.forgepreview.workflows.StepRecord.StepState;
import dev.forgepreview.workflows.activities.ForgeActivities;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.CreateSiteRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteDatabaseUserRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteServerRequest;
import dev.forgepreview.workflows.activities.ForgeActivities.DeleteSiteRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class SagaRollbackTest {

  private static final ApplicationFailure BOOM =
      ApplicationFailure.newNonRetryableFailure("Forge said no", FailureType.VALIDATION.name());

  static Stream<Arguments> criticalSteps() {
    List<String> server = List.of("server");
    List<String> site = List.of("site", "server");
    List<String> database = List.of("database", "site", "server");
    List<String> user = List.of("user", "database", "site", "server");
    return Stream.of(
        Arguments.of("create-server", fail(f -> f.createServer(any())), server),
        Arguments.of("wait-server-ready", fail(f -> f.awaitServerReady(any())), server),
        Arguments.of("create-site", fail(f -> f.createSite(any())), site),
        Arguments.of("create-database", fail(f -> f.createDatabase(any())), database),
        Arguments.of("create-database-user", fail(f -> f.createDatabaseUser(any())), user),
        Arguments.of("grant-database", fail(f -> f.grantDatabase(any())), user),
        Arguments.of("install-repository", fail(f -> f.installRepository(any())), user),
        Arguments.of("deploy", fail(f -> f.deploySite(any())), user),
        Arguments.of("wait-deployment", fail(f -> f.awaitDeployment(any())), user));
  }

  private static Consumer<ForgeActivities> fail(Consumer<ForgeActivities> call) {
    return forge -> call.accept(doThrow(BOOM).when(forge));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("criticalSteps")
  void criticalFailureRollsBackWhatWasRegisteredInReverseOrder(
      String step, Consumer<ForgeActivities> failure, List<String> expectedRollback) {
    try (MockedActivities activities = new MockedActivities(TestSettings.dedicated())) {
      failure.accept(activities.forge);

      activities.start(TestSettings.request(42, "feature/x", "abc1234"));
      PreviewStatus result = activities.result("preview:acme:shop:42");

      assertThat(result.phase()).isEqualTo(Phase.FAILED);
      assertThat(result.failedStep()).isEqualTo(step);
      assertThat(result.failureReason()).contains("Forge said no");
      assertThat(result.rolledBack())
          .containsExactlyElementsOf(
              expectedRollback.stream().map(SagaRollbackTest::deleteStep).toList());
      assertThat(result.steps())
          .filteredOn(s -> s.name().equals(step))
          .singleElement()
          .extracting(StepRecord::state)
          .isEqualTo(StepState.FAILED);

      ForgeActivities forge = activities.forge;
      InOrder order = inOrder(forge);
      List<String> seen = new ArrayList<>();
      for (String resource : expectedRollback) {
        seen.add(verifyCompensation(forge, order, resource));
      }
      assertThat(seen).doesNotContainNull();
      for (String resource : List.of("server", "site", "database", "user")) {
        if (!expectedRollback.contains(resource)) {
          verifyNotCompensated(forge, resource);
        }
      }
      verify(activities.github, org.mockito.Mockito.atLeastOnce()).publishStatus(any());
    }
  }

  private static String deleteStep(String resource) {
    return switch (resource) {
      case "user" -> "delete-database-user";
      default -> "delete-" + resource;
    };
  }

  /** Verifies the compensation ran (in order) with the request id of its action. */
  private static String verifyCompensation(ForgeActivities forge, InOrder order, String resource) {
    switch (resource) {
      case "server" -> {
        ArgumentCaptor<DeleteServerRequest> delete =
            ArgumentCaptor.forClass(DeleteServerRequest.class);
        order.verify(forge).deleteServer(delete.capture());
        ArgumentCaptor<CreateServerRequest> create =
            ArgumentCaptor.forClass(CreateServerRequest.class);
        verify(forge).createServer(create.capture());
        assertThat(delete.getValue().requestId()).isEqualTo(create.getValue().requestId());
        assertThat(delete.getValue().name()).isEqualTo(create.getValue().name());
        return delete.getValue().requestId();
      }
      case "site" -> {
        ArgumentCaptor<DeleteSiteRequest> delete = ArgumentCaptor.forClass(DeleteSiteRequest.class);
        order.verify(forge).deleteSite(delete.capture());
        ArgumentCaptor<CreateSiteRequest> create = ArgumentCaptor.forClass(CreateSiteRequest.class);
        verify(forge).createSite(create.capture());
        assertThat(delete.getValue().requestId()).isEqualTo(create.getValue().requestId());
        assertThat(delete.getValue().domain()).isEqualTo(create.getValue().domain());
        return delete.getValue().requestId();
      }
      case "database" -> {
        ArgumentCaptor<DeleteDatabaseRequest> delete =
            ArgumentCaptor.forClass(DeleteDatabaseRequest.class);
        order.verify(forge).deleteDatabase(delete.capture());
        ArgumentCaptor<CreateDatabaseRequest> create =
            ArgumentCaptor.forClass(CreateDatabaseRequest.class);
        verify(forge).createDatabase(create.capture());
        assertThat(delete.getValue().requestId()).isEqualTo(create.getValue().requestId());
        assertThat(delete.getValue().name()).isEqualTo(create.getValue().name());
        return delete.getValue().requestId();
      }
      default -> {
        ArgumentCaptor<DeleteDatabaseUserRequest> delete =
            ArgumentCaptor.forClass(DeleteDatabaseUserRequest.class);
        order.verify(forge).deleteDatabaseUser(delete.capture());
        ArgumentCaptor<CreateDatabaseUserRequest> create =
            ArgumentCaptor.forClass(CreateDatabaseUserRequest.class);
        verify(forge).createDatabaseUser(create.capture());
        assertThat(delete.getValue().requestId()).isEqualTo(create.getValue().requestId());
        assertThat(delete.getValue().userName()).isEqualTo(create.getValue().userName());
        return delete.getValue().requestId();
      }
    }
  }

  private static void verifyNotCompensated(ForgeActivities forge, String resource) {
    switch (resource) {
      case "server" -> verify(forge, never()).deleteServer(any());
      case "site" -> verify(forge, never()).deleteSite(any());
      case "database" -> verify(forge, never()).deleteDatabase(any());
      default -> verify(forge, never()).deleteDatabaseUser(any());
    }
  }
}
