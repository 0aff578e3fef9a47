package dev.flows;

import dev.flows.internal.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a task flow ({@link Flows#task}) runs its tasks. Immutable; validated when built.
 *
 * <p>A task that throws (or outlives {@code timeout}) is retried after a delay that starts at
 * {@code initialBackoff} and doubles per failed attempt up to {@code maxBackoff}; after {@code
 * maxAttempts} attempts in all it goes to the queue's dead-letter queue ({@code <queue>.dlq}) with
 * the reason in headers. Undecodable tasks go there at once.
 *
 * @param concurrency how many tasks run at once per instance
 * @param timeout how long one attempt may run; then (within a twentieth of it, at most 100 ms more)
 *     its thread is interrupted and the attempt fails
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff delay before the second attempt
 * @param maxBackoff the longest delay between attempts
 * @param failureClasses which class each exception type falls into: a permanent failure is
 *     dead-lettered at once, a transient one is put back without counting the attempt (retried
 *     until it succeeds), a retryable one counts
 * @param prefetchMultiplier how many tasks per worker thread the broker may hand an instance before
 *     it acknowledges one: the prefetch is {@code concurrency * prefetchMultiplier} ({@link
 *     #prefetch()}). With 1 (the default) an instance never holds more unacknowledged tasks than it
 *     runs, so tasks go to whichever instance is free; with 2 the next task waits in memory while
 *     one runs, so a worker need not wait for the broker's round trip after each acknowledgement:
 *     for many short tasks (docs/benchmarks.md), at the price of a long task holding up the one
 *     prefetched behind it
 */
public record TaskOptions(
    int concurrency,
    Duration timeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    FailureClasses failureClasses,
    int prefetchMultiplier) {

  /** Default concurrency: {@value}. */
  public static final int DEFAULT_CONCURRENCY = 1;

  /** Default timeout of one attempt in seconds: {@value}. */
  public static final long DEFAULT_TIMEOUT_SECONDS = 300;

  /** Default attempts: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Default delay before the second attempt in milliseconds: {@value}. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 1_000;

  /** Default longest delay between attempts in milliseconds: {@value}. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 60_000;

  /** Upper bound on concurrency: {@value} tasks at once per instance. */
  public static final int MAX_CONCURRENCY = 1_000;

  /** Upper bound on attempts: {@value} (each distinct delay is a queue on the broker). */
  public static final int MAX_ATTEMPTS = 50;

  /** Upper bound on the prefetch multiplier: {@value}. */
  public static final int MAX_PREFETCH_MULTIPLIER = 10;

  /** Validates every setting. */
  public TaskOptions {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw FlowDefinitionException.of(
          "concurrency", concurrency, "must be between 1 and " + MAX_CONCURRENCY, "use e.g. 8");
    }
    requirePositive("timeout", timeout);
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw FlowDefinitionException.of(
          "maxAttempts",
          maxAttempts,
          "must be between 1 and " + MAX_ATTEMPTS,
          "use 1 for no retries");
    }
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw FlowDefinitionException.of(
          "maxBackoff",
          maxBackoff,
          "is shorter than initialBackoff " + initialBackoff,
          "raise maxBackoff");
    }
    Objects.requireNonNull(failureClasses, "failureClasses");
    if (prefetchMultiplier < 1 || prefetchMultiplier > MAX_PREFETCH_MULTIPLIER) {
      throw FlowDefinitionException.of(
          "prefetchMultiplier",
          prefetchMultiplier,
          "must be between 1 and " + MAX_PREFETCH_MULTIPLIER,
          "use 1 for long tasks, 2 for many short ones");
    }
  }

  /** Options with every setting but the prefetch multiplier, which is 1. */
  public TaskOptions(
      int concurrency,
      Duration timeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      FailureClasses failureClasses) {
    this(concurrency, timeout, maxAttempts, initialBackoff, maxBackoff, failureClasses, 1);
  }

  /**
   * Concurrency {@value #DEFAULT_CONCURRENCY}, {@value #DEFAULT_TIMEOUT_SECONDS} s timeout, {@value
   * #DEFAULT_MAX_ATTEMPTS} attempts, 1 s to 60 s backoff, prefetch multiplier 1.
   */
  public static TaskOptions defaults() {
    return new TaskOptions(
        DEFAULT_CONCURRENCY,
        Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS),
        DEFAULT_MAX_ATTEMPTS,
        Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MS),
        Duration.ofMillis(DEFAULT_MAX_BACKOFF_MS),
        FailureClasses.defaults());
  }

  /** A copy with another concurrency (the prefetch follows: {@link #prefetch()}). */
  public TaskOptions withConcurrency(int tasksAtOnce) {
    return new TaskOptions(
        tasksAtOnce,
        timeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        failureClasses,
        prefetchMultiplier);
  }

  /**
   * A copy whose instance may hold {@code multiplier} unacknowledged tasks per worker thread (see
   * {@link #prefetchMultiplier}).
   */
  public TaskOptions withPrefetchMultiplier(int multiplier) {
    return new TaskOptions(
        concurrency, timeout, maxAttempts, initialBackoff, maxBackoff, failureClasses, multiplier);
  }

  /**
   * How many unacknowledged tasks the broker may hand an instance: concurrency times multiplier.
   */
  public int prefetch() {
    return concurrency * prefetchMultiplier;
  }

  /** A copy with another timeout per attempt. */
  public TaskOptions withTimeout(Duration perAttempt) {
    return new TaskOptions(
        concurrency,
        perAttempt,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        failureClasses,
        prefetchMultiplier);
  }

  /** A copy with another number of attempts. */
  public TaskOptions withMaxAttempts(int attempts) {
    return new TaskOptions(
        concurrency,
        timeout,
        attempts,
        initialBackoff,
        maxBackoff,
        failureClasses,
        prefetchMultiplier);
  }

  /**
   * A copy where task failures of {@code type} (and of its subclasses not mapped themselves, also
   * as a cause) fall into {@code failureClass}.
   */
  public TaskOptions withFailureClass(Class<? extends Throwable> type, FailureClass failureClass) {
    return new TaskOptions(
        concurrency,
        timeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        failureClasses.with(type, failureClass),
        prefetchMultiplier);
  }

  /** A copy with another backoff range. */
  public TaskOptions withBackoff(Duration initial, Duration max) {
    return new TaskOptions(
        concurrency, timeout, maxAttempts, initial, max, failureClasses, prefetchMultiplier);
  }

  /**
   * The delay before a task goes back after its {@code transientFailures}th transient failure in a
   * row (not counted as attempts): as {@link #backoffAfter}, capped at {@code maxBackoff}.
   */
  public Duration transientBackoff(int transientFailures) {
    return backoffAfter(Math.min(Math.max(1, transientFailures), 64));
  }

  /**
   * The delay before attempt {@code failedAttempts + 1}: {@code initialBackoff * 2^(failedAttempts
   * - 1)}, at most {@code maxBackoff}, in whole milliseconds.
   */
  public Duration backoffAfter(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException(
          "failedAttempts must be at least 1, got " + failedAttempts);
    }
    return Backoff.after(failedAttempts, initialBackoff, maxBackoff);
  }

  private static void requirePositive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.toMillis() < 1) {
      throw FlowDefinitionException.of(
          setting, value, "must be at least one millisecond", "use e.g. Duration.ofSeconds(1)");
    }
  }
}
