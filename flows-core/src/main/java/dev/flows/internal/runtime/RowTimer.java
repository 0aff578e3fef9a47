package dev.flows.internal.runtime;

import dev.flows.StateUpdate;
import dev.flows.internal.state.KeyTimer;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** A row's timer while one update of the row changes it. Not thread-safe. */
final class RowTimer {
  private KeyTimer current;

  /** The row's timer as stored, {@code null} for none. */
  RowTimer(KeyTimer stored) {
    this.current = stored;
  }

  /** The timer now, {@code null} for none. */
  KeyTimer current() {
    return current;
  }

  /** Whether it fires at {@code now} (a stream time, or with wall-clock timers a clock reading). */
  boolean dueAt(long now) {
    return current != null && current.at() <= now;
  }

  /** Ends it: it fired. */
  void fired() {
    current = null;
  }

  /**
   * Applies what an update at time {@code now} decided ({@code null}: nothing); a new timer keeps
   * the key {@code key} gives.
   */
  void apply(StateUpdate.Timer change, long now, Supplier<byte[]> key) {
    if (change == null) {
      return;
    }
    if (change.at() != null) {
      current = new KeyTimer(millis(change.at()), key.get());
    } else if (change.in() != null) {
      current = new KeyTimer(after(now, change.in()), key.get());
    } else {
      current = null;
    }
  }

  /** {@code at} in epoch milliseconds; beyond what they hold, the farthest: it never fires. */
  private static long millis(Instant at) {
    try {
      return at.toEpochMilli();
    } catch (ArithmeticException tooFar) {
      return at.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code delay} after {@code now}, in milliseconds; beyond what they hold, never. */
  private static long after(long now, Duration delay) {
    try {
      return Math.addExact(now, delay.toMillis());
    } catch (ArithmeticException tooFar) {
      return Long.MAX_VALUE;
    }
  }
}
