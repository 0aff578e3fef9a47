package dev.flows.internal.runtime;

import dev.flows.ErrorPolicy;
import dev.flows.FlowsException;
import dev.flows.FormatException;

/**
 * The one place that calls user code. Catches {@link Exception} (never {@link Error}), retries with
 * the policy's backoff, and reports the outcome instead of throwing, so callers decide between
 * dead-lettering and failing. Format errors are not retried: the same bytes fail the same way.
 */
public final class UserCode {
  private final ErrorPolicy policy;
  private final Sleeper sleeper;

  /** Runs attempts under {@code policy}, waiting with {@code sleeper}. */
  public UserCode(ErrorPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  /** One attempt of user code. */
  @FunctionalInterface
  public interface Attempt {
    /** Runs the attempt; any exception counts as a failed attempt. */
    void run() throws Exception;
  }

  /**
   * How the attempts ended.
   *
   * @param failure the last failure, {@code null} on success
   * @param attempts how many attempts ran
   */
  public record Outcome(Exception failure, int attempts) {
    /** Whether the last attempt succeeded. */
    public boolean succeeded() {
      return failure == null;
    }
  }

  /** Runs {@code attempt} until it succeeds or the policy's attempts are used up. */
  public Outcome run(Attempt attempt) {
    for (int n = 1; ; n++) {
      try {
        attempt.run();
        return new Outcome(null, n);
      } catch (FormatException e) {
        return new Outcome(e, n);
      } catch (Exception e) {
        if (n >= policy.maxAttempts()) {
          return new Outcome(e, n);
        }
        pause(n);
      }
    }
  }

  private void pause(int failedAttempts) {
    try {
      sleeper.sleep(policy.backoffAfter(failedAttempts));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlowsException("interrupted while waiting to retry", e);
    }
  }
}
