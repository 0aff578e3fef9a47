package dev.flows.internal.runtime;

/**
 * Whether a batch was given up on (a drain or revoke timed out): from then on nothing it does may
 * take effect, neither a state write, a publish, a dead letter, nor a cached row. Its thread is
 * interrupted too, but user code may ignore that; these checks do not depend on it. Thread-safe.
 */
public final class Cancellation {
  private volatile boolean cancelled;

  /** Gives the batch up. */
  void cancel() {
    cancelled = true;
  }

  /** Whether it was given up. */
  boolean isCancelled() {
    return cancelled;
  }

  /** Throws {@link BatchCancelledException} if it was given up: call before every effect. */
  void check(String effect) {
    if (cancelled) {
      throw new BatchCancelledException("the batch was cancelled; not doing: " + effect, null);
    }
  }
}
