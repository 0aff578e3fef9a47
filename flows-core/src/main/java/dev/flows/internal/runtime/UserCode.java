package dev.flows.internal.runtime;

import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;

/**
 * The one place that calls user code. Catches {@link Exception} (never {@link Error}), classifies a
 * failure by the policy ({@link dev.flows.FailureClass}): a permanent one ends at once, a retryable
 * one is retried with the policy's backoff, a transient one stops the batch ({@link
 * TransientFailure}, retried by the poll loop); it reports how the attempts ended instead of
 * throwing, so callers decide between dead-lettering and failing. An interrupt is never an attempt:
 * it ends the batch ({@link BatchCancelledException}).
 */
public final class UserCode {
  private final ErrorPolicy policy;
  private final Sleeper sleeper;
  private final FlowMetrics metrics;

  /** Runs attempts under {@code policy}, waiting with {@code sleeper}, counting failures. */
  public UserCode(ErrorPolicy policy, Sleeper sleeper, FlowMetrics metrics) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.metrics = metrics;
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
   * @param failureClass the class of the failure, {@code null} on success
   * @param <T> what an attempt gives
   */
  public record Outcome<T>(T value, Exception failure, int attempts, FailureClass failureClass) {
    /** Whether the last attempt succeeded. */
    public boolean succeeded() {
      return failure == null;
    }
  }

  /**
   * Runs {@code attempt} until it succeeds, fails permanently or the policy's attempts are used up.
   *
   * @throws TransientFailure on a transient failure
   * @throws BatchCancelledException when the thread was interrupted
   */
  public <T> Outcome<T> run(Attempt<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return new Outcome<>(attempt.run(), null, n, null);
      } catch (Exception e) {
        FailureClass failureClass = classify(e);
        metrics.failure(failureClass);
        if (failureClass == FailureClass.TRANSIENT) {
          throw new TransientFailure(e);
        }
        if (failureClass == FailureClass.PERMANENT || n >= policy.maxAttempts()) {
          return new Outcome<>(null, e, n, failureClass);
        }
        pause(n);
      }
    }
  }

  /** The failure's class; an interrupt throws instead. */
  private FailureClass classify(Exception e) {
    if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("user code was interrupted: the batch is cancelled", e);
    }
    return policy.classify(e);
  }

  private void pause(int failedAttempts) {
    try {
      sleeper.sleep(policy.backoffAfter(failedAttempts));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("interrupted while waiting to retry", e);
    }
  }
}
