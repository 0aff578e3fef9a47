package dev.flows.internal.runtime;

import java.time.Clock;

/**
 * When a rewound batch may be tried again: after a backoff that grows with the failures in a row
 * and is reset by a success. Used by the polling thread only.
 */
final class RetryClock {
  private final Clock clock;
  private int failuresInARow;
  private long retryAtMillis;

  RetryClock(Clock clock) {
    this.clock = clock;
  }

  /** Records a failure; returns the backoff in milliseconds before the next try. */
  long failed() {
    failuresInARow++;
    long backoff = StopSignal.backoffMillis(failuresInARow);
    retryAtMillis = clock.millis() + backoff;
    return backoff;
  }

  /** Records a success: the next failure waits the shortest backoff. */
  void succeeded() {
    failuresInARow = 0;
  }

  /** Milliseconds until a retry may start, 0 if it may now. */
  long millisUntilRetry() {
    return Math.max(0, retryAtMillis - clock.millis());
  }
}
