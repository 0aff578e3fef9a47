package dev.flows.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, failing with what was awaited: never a fixed sleep. */
public final class Awaits {
  private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

  private Awaits() {}

  /**
   * Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after
   * {@code timeout}.
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
