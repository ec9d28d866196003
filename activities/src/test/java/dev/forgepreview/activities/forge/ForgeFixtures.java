package dev.forgepreview.activities.forge;

import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.simulator.ForgeSimulator;
import dev.forgepreview.workflows.FailureType;
import dev.forgepreview.workflows.activities.ForgeActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the Forge tests share: a client on the simulator, secrets, an activity stub. */
final class ForgeFixtures {
  static final PreviewSecrets SECRETS = PreviewSecrets.fromString("test-key-of-at-least-16-bytes");

  private ForgeFixtures() {}

  static ForgeClient client(ForgeSimulator simulator) {
    return client(simulator, simulator.token());
  }

  static ForgeClient client(ForgeSimulator simulator, String token) {
    return new ForgeClient(
        new ForgeClientConfig(
            simulator.baseUrl(),
            token,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(15)),
        simulator.clock());
  }

  static final String CONFIGURED_MAIL_PASSWORD = "configured-in-the-repositories-file";

  /**
   * The activities with {@code env} as the worker's environment and one configured repository,
   * {@code acme/shop}, whose {@code environment:} block is looked up by the activity.
   */
  static ForgeActivitiesImpl activities(ForgeSimulator simulator, Map<String, String> env) {
    return new ForgeActivitiesImpl(
        client(simulator),
        SECRETS,
        env::get,
        repository ->
            repository.equalsIgnoreCase("acme/shop")
                ? Map.of(
                    "MAIL_PASSWORD",
                    CONFIGURED_MAIL_PASSWORD,
                    "SHOP_API_KEY",
                    "${env:SHOP_API_KEY}")
                : null);
  }

  /** One attempt per call: the test plays the retry policy. */
  static ForgeActivities stub(TestActivityEnvironment env) {
    return env.newActivityStub(
        ForgeActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /**
   * Plays what the Temporal server does between attempts: the details an attempt heartbeated are
   * handed to the next call (a retry), as a workflow's retried activity gets them.
   */
  static void handOnHeartbeats(TestActivityEnvironment env) {
    env.setActivityHeartbeatListener(Long.class, details -> env.setHeartbeatDetails(details));
  }

  /** The application failure an activity call ended with. */
  static ApplicationFailure failureOf(ThrowingCallable call) {
    try {
      call.call();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure failure) {
        return failure;
      }
      throw new AssertionError("not an application failure", e);
    } catch (Throwable e) {
      throw new AssertionError("not an activity failure", e);
    }
    throw new AssertionError("the call did not fail");
  }

  static String type(FailureType type) {
    return type.name();
  }

  /** Calls to one route, e.g. {@code calls(sim, "POST", "servers/{id}/sites")}. */
  static long calls(ForgeSimulator simulator, String method, String template) {
    return simulator.callCounts().getOrDefault(method + " /api/v1/" + template, 0L);
  }
}
