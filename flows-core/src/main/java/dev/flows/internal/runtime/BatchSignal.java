package dev.flows.internal.runtime;

import java.util.concurrent.TimeUnit;

/**
 * Wakes the poll loop when a running batch makes progress it waits for (reported itself sent, or
 * ended), without a lost wake-up: read {@link #seen()} before looking, then {@link #awaitAfter}.
 */
final class BatchSignal {
  private long count;

  /** The number of signals so far. */
  synchronized long seen() {
    return count;
  }

  /** Something happened: wakes the waiters. */
  synchronized void signal() {
    count++;
    notifyAll();
  }

  /** Waits up to {@code millis} for a signal after the {@code seen}th. */
  synchronized void awaitAfter(long seen, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (count == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
