package dev.forgepreview.simulator;

import java.time.Clock;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link ForgeSimulator} on a free port for a test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static ForgeSimulatorExtension forge = ForgeSimulatorExtension.withManualClock();
 * }</pre>
 *
 * <p>Starts before all tests (or before each when registered on an instance field), calls {@link
 * ForgeSimulator#reset()} before each test and stops after all. Test and lifecycle methods may
 * declare {@link ForgeSimulator} or {@link ManualClock} parameters.
 */
public final class ForgeSimulatorExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final ForgeSimulator.Builder builder;
  private ForgeSimulator simulator;
  private int classDepth;
  private boolean perTest;

  private ForgeSimulatorExtension(ForgeSimulator.Builder builder) {
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /** A simulator on a fresh {@link ManualClock} starting at the current second. */
  public static ForgeSimulatorExtension withManualClock() {
    return new ForgeSimulatorExtension(ForgeSimulator.builder().clock(new ManualClock()));
  }

  /** A simulator reading time from {@code clock}. */
  public static ForgeSimulatorExtension withClock(Clock clock) {
    return new ForgeSimulatorExtension(ForgeSimulator.builder().clock(clock));
  }

  /** A simulator built from {@code builder} (token, clock, settings; the port is kept). */
  public static ForgeSimulatorExtension using(ForgeSimulator.Builder builder) {
    return new ForgeSimulatorExtension(builder);
  }

  /** The running simulator. */
  public synchronized ForgeSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("the simulator runs only while tests run");
    }
    return simulator;
  }

  /** The simulator's clock as a {@link ManualClock}. */
  public ManualClock manualClock() {
    return simulator().manualClock();
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (classDepth++ == 0) {
      simulator = builder.build().start();
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--classDepth == 0) {
      stop();
    }
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (simulator == null) {
      simulator = builder.build().start();
      perTest = true;
    } else {
      simulator.reset();
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    if (perTest) {
      stop();
      perTest = false;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ForgeSimulator.class || type == ManualClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ManualClock.class ? manualClock() : simulator();
  }

  private void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }
}
