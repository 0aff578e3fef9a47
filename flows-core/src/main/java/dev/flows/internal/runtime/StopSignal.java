package dev.flows.internal.runtime;

import dev.flows.internal.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The stop flag of a flow's own thread (task, cron, http), with parking that a stop cuts short and
 * the retry backoff every loop uses: one piece instead of a copy in each loop.
 */
final class StopSignal {
  /** How often an idle loop reports health: {@value} ms. */
  static final long TICK_MILLIS = 100;

  /** The longest retry backoff: {@value} ms. */
  static final long MAX_BACKOFF_MILLIS = 30_000;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  private volatile boolean stopping;
  private volatile Thread runner;

  /** Called first by the loop's thread, so {@link #stop()} can wake it. */
  void enter() {
    runner = Thread.currentThread();
  }

  boolean stopping() {
    return stopping;
  }

  /** Asks the loop to stop and wakes it if parked. */
  void stop() {
    stopping = true;
    Thread thread = runner;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /** Interrupts the loop's thread, for loops blocked in calls a park cannot cut short. */
  void interruptRunner() {
    Thread thread = runner;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** Parks up to {@code nanos}, returning at once when asked to stop. */
  void park(long nanos) {
    if (!stopping && nanos > 0) {
      LockSupport.parkNanos(this, nanos);
    }
  }

  /**
   * Until stopped, reports every {@value #TICK_MILLIS} ms that the loop lives and whether it is
   * connected.
   */
  void reportUntilStopped(FlowState state, Clock clock, BooleanSupplier connected) {
    while (!stopping) {
      report(state, clock, connected);
      park(Duration.ofMillis(TICK_MILLIS).toNanos());
    }
  }

  /** Reports once that the loop lives and whether it is connected. */
  void report(FlowState state, Clock clock, BooleanSupplier connected) {
    state.loopedAt(clock.millis());
    state.connected(connected.getAsBoolean());
  }

  /**
   * Waits between retries on the loop's thread, reporting every {@value #TICK_MILLIS} ms like
   * {@link #reportUntilStopped}: a loop retrying a broker stays live, and its readiness follows the
   * connection while it waits instead of only once a retry succeeds. Throws {@link
   * InterruptedException} when stopped or interrupted.
   */
  Sleeper reportingSleeper(FlowState state, Clock clock, BooleanSupplier connected) {
    return duration -> {
      long deadline = System.nanoTime() + duration.toNanos();
      for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        if (stopping || Thread.interrupted()) {
          throw new InterruptedException("stopping");
        }
        report(state, clock, connected);
        park(Math.min(left, Duration.ofMillis(TICK_MILLIS).toNanos()));
      }
    };
  }

  /**
   * The wait after {@code failures} failures in a row: 100 ms times 2^failures, at most {@value
   * #MAX_BACKOFF_MILLIS} ms.
   */
  static long backoffMillis(int failures) {
    return Backoff.after(failures + 1, FIRST_BACKOFF, Duration.ofMillis(MAX_BACKOFF_MILLIS))
        .toMillis();
  }
}
