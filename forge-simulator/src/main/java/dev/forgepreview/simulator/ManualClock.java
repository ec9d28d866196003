package dev.forgepreview.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A clock that only moves when told to, so tests can drive the simulator's lifecycles without
 * sleeping. Thread-safe; all copies made with {@link #withZone(ZoneId)} share the same instant.
 */
public final class ManualClock extends Clock {

  private final Object lock;
  private final Instant[] now;
  private final ZoneId zone;

  /** Starts at the current system time, truncated to whole seconds, in UTC. */
  public ManualClock() {
    this(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  /** Starts at {@code start}, in UTC. */
  public ManualClock(Instant start) {
    this(new Object(), new Instant[] {Objects.requireNonNull(start, "start")}, ZoneOffset.UTC);
  }

  private ManualClock(Object lock, Instant[] now, ZoneId zone) {
    this.lock = lock;
    this.now = now;
    this.zone = zone;
  }

  /** Moves the clock forward; a negative duration is rejected because time never runs back. */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward: " + duration);
    }
    synchronized (lock) {
      now[0] = now[0].plus(duration);
      return now[0];
    }
  }

  /** Sets the clock to {@code instant}, which may be earlier than now. */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    synchronized (lock) {
      now[0] = instant;
    }
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now[0];
    }
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new ManualClock(lock, now, newZone);
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }
}
