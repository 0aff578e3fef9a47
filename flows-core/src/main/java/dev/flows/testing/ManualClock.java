package dev.flows.testing;

import dev.flows.FlowDefinitionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that moves only when a test moves it: what {@link FlowTestDriver#advanceWallClock}
 * moves, and what a test hands to a part that takes a {@link Clock} (for example {@link
 * dev.flows.state.InMemoryStateStore#create(Clock)}) to test retention without sleeping.
 * Thread-safe.
 */
public final class ManualClock extends Clock {
  private volatile Instant now;

  /** A clock showing {@code start}. */
  public ManualClock(Instant start) {
    this.now = start;
  }

  /**
   * Moves the clock forward by {@code duration}.
   *
   * @param duration how far, not negative
   */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw FlowDefinitionException.of(
          "duration", duration, "is negative", "move the clock forwards only");
    }
    now = now.plus(duration);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: it is UTC only, and a zone does not change an instant. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
