package dev.flows.internal.runtime;

/**
 * Whether a batch was given up on (a drain or revoke timed out): from then on nothing it does may
 * take effect, neither a state write, a publish, a dead letter, nor a cached row. Its thread is
 * interrupted too, but user code may ignore that; these checks do not depend on it. Thread-safe.
 */
public final class Cancellation {
  private volatile boolean cancelled;

  /**
   * Gives the batch up; waits for an effect {@linkplain #runUnlessCancelled running} under this
   * token to end, so none starts or is still going once this returns.
   */
  synchronized void cancel() {
    cancelled = true;
  }

  /**
   * Runs {@code effect} unless the batch was given up (then throws {@link
   * BatchCancelledException}); a {@link #cancel()} meanwhile waits for it to end.
   */
  synchronized void runUnlessCancelled(String what, Runnable effect) {
    check(what);
    effect.run();
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

  /**
   * As {@link #check(String)} for the effect {@code action subject}, described only if it was given
   * up: for checks made per record.
   */
  void check(String action, String subject) {
    if (cancelled) {
      check(action + " " + subject);
    }
  }
}
