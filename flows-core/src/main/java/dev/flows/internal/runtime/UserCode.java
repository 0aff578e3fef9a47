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

  /**
   * One attempt of user code.
   *
   * @param <T> what it gives
   */
  @FunctionalInterface
  public interface Attempt<T> {
    /** Runs the attempt; any exception counts as a failed attempt. */
    T run() throws Exception;
  }

  /**
   * How the attempts ended.
   *
   * @param value what the last attempt gave, {@code null} when it failed
   * @param failure the last failure, {@code null} on success
   * @param attempts how many attempts ran
   * @param <T> what an attempt gives
   */
  public record Outcome<T>(T value, Exception failure, int attempts) {
    /** Whether the last attempt succeeded. */
    public boolean succeeded() {
      return failure == null;
    }
  }

  /** Runs {@code attempt} until it succeeds or the policy's attempts are used up. */
  public <T> Outcome<T> run(Attempt<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return new Outcome<>(attempt.run(), null, n);
      } catch (FormatException e) {
        return new Outcome<>(null, e, n);
      } catch (Exception e) {
        if (n >= policy.maxAttempts()) {
          return new Outcome<>(null, e, n);
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
