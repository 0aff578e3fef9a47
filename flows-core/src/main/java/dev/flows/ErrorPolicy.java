package dev.flows;

import dev.flows.internal.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * What happens to a record whose processing throws, by the failure's {@link FailureClass}: a
 * {@linkplain FailureClass#RETRYABLE retryable} failure (the default) is retried with exponential
 * backoff up to {@code maxAttempts} in all, then either dead-lettered (the flow goes on) or the
 * flow fails (fail fast); a {@linkplain FailureClass#PERMANENT permanent} one (a {@link
 * PermanentException}, a record that cannot be decoded, a row a table sink refuses) goes there at
 * once; a {@linkplain FailureClass#TRANSIENT transient} one (a {@link TransientException}, or any
 * type mapped so with {@link #withFailureClass}) is never dead-lettered: the batch is retried until
 * it succeeds. Infrastructure failures (broker, database down) never follow this policy: they are
 * retried until they heal.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff wait before the second attempt, doubled for each further one
 * @param maxBackoff the longest wait between attempts
 * @param onExhausted what to do after the last failed attempt
 * @param deadLetterTopic the dead-letter topic, or {@code null} for {@code <flow-name>.dlq}
 * @param failureClasses which class each exception type falls into
 * @param retryTopic whether the flow also reads {@code <flow-name>.retry}, the topic {@code
 *     dev.flows.kafka.Redrive} re-publishes its dead letters to (see {@link #withRetryTopic()})
 */
public record ErrorPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Exhausted onExhausted,
    String deadLetterTopic,
    FailureClasses failureClasses,
    boolean retryTopic) {

  /** Attempts of the default policy: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Initial backoff of the default policy in milliseconds: {@value}. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 100;

  /** Maximal backoff of the default policy in milliseconds: {@value}. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 2_000;

  /** The suffix of the default dead-letter topic: {@value}. */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  /**
   * The suffix of the retry topic a flow reads when {@linkplain #withRetryTopic() opted in}:
   * {@value}.
   */
  public static final String RETRY_SUFFIX = ".retry";

  /** What happens when every attempt failed. */
  public enum Exhausted {
    /** Write the record with the reason in headers to the dead-letter topic and go on. */
    DEAD_LETTER,
    /** Stop the flow without committing the record's batch. */
    FAIL
  }

  /** Validates the settings. */
  public ErrorPolicy {
    if (maxAttempts < 1) {
      throw FlowDefinitionException.of(
          "maxAttempts", maxAttempts, "must be at least 1", "use 1 for no retries");
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
    if (onExhausted == null) {
      throw FlowDefinitionException.of(
          "onExhausted", null, "is missing", "use DEAD_LETTER or FAIL");
    }
    if (deadLetterTopic != null) {
      Topic.topic(deadLetterTopic); // validates the name
    }
    Objects.requireNonNull(failureClasses, "failureClasses");
  }

  /** A policy that reads no retry topic. */
  public ErrorPolicy(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Exhausted onExhausted,
      String deadLetterTopic,
      FailureClasses failureClasses) {
    this(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        onExhausted,
        deadLetterTopic,
        failureClasses,
        false);
  }

  /** A policy with the default failure classes (see {@link FailureClasses#defaults()}). */
  public ErrorPolicy(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Exhausted onExhausted,
      String deadLetterTopic) {
    this(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        onExhausted,
        deadLetterTopic,
        FailureClasses.defaults());
  }

  /**
   * The default: {@value #DEFAULT_MAX_ATTEMPTS} attempts with backoff, then the dead-letter topic.
   */
  public static ErrorPolicy defaults() {
    return new ErrorPolicy(
        DEFAULT_MAX_ATTEMPTS,
        Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MS),
        Duration.ofMillis(DEFAULT_MAX_BACKOFF_MS),
        Exhausted.DEAD_LETTER,
        null);
  }

  /** No retries: the first failure stops the flow (undecodable records too). */
  public static ErrorPolicy failFast() {
    return defaults().withMaxAttempts(1).withOnExhausted(Exhausted.FAIL);
  }

  /** A copy with another number of attempts. */
  public ErrorPolicy withMaxAttempts(int attempts) {
    return new ErrorPolicy(
        attempts,
        initialBackoff,
        maxBackoff,
        onExhausted,
        deadLetterTopic,
        failureClasses,
        retryTopic);
  }

  /** A copy with another backoff range. */
  public ErrorPolicy withBackoff(Duration initial, Duration max) {
    return new ErrorPolicy(
        maxAttempts, initial, max, onExhausted, deadLetterTopic, failureClasses, retryTopic);
  }

  /** A copy with another decision for exhausted records. */
  public ErrorPolicy withOnExhausted(Exhausted exhausted) {
    return new ErrorPolicy(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        exhausted,
        deadLetterTopic,
        failureClasses,
        retryTopic);
  }

  /** A copy writing dead letters to {@code topic} instead of {@code <flow-name>.dlq}. */
  public ErrorPolicy withDeadLetterTopic(String topic) {
    return new ErrorPolicy(
        maxAttempts, initialBackoff, maxBackoff, onExhausted, topic, failureClasses, retryTopic);
  }

  /**
   * A copy whose flow also reads {@code <flow-name>.retry} ({@value #RETRY_SUFFIX}), a topic only
   * this flow reads, where {@code dev.flows.kafka.Redrive} re-publishes its dead letters once their
   * cause is fixed; its records are processed like input records, decoded with the formats of the
   * flow's first input. Only stateless flows (not a join's merge step) whose inputs all share one
   * key and one value format may opt in; any other flow is refused when it is built. The retry
   * topic must exist when the flow starts, like its inputs.
   */
  public ErrorPolicy withRetryTopic() {
    return new ErrorPolicy(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        onExhausted,
        deadLetterTopic,
        failureClasses,
        true);
  }

  /**
   * A copy where failures of {@code type} (and of its subclasses not mapped themselves, also when
   * they are the cause of what was thrown) fall into {@code failureClass}: e.g. {@code
   * withFailureClass(ConnectException.class, FailureClass.TRANSIENT)}.
   */
  public ErrorPolicy withFailureClass(Class<? extends Throwable> type, FailureClass failureClass) {
    return new ErrorPolicy(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        onExhausted,
        deadLetterTopic,
        failureClasses.with(type, failureClass),
        retryTopic);
  }

  /** The class of {@code failure} under this policy. */
  public FailureClass classify(Throwable failure) {
    return failureClasses.classify(failure);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
  public Duration backoffAfter(int attempt) {
    return Backoff.after(attempt, initialBackoff, maxBackoff);
  }

  private static void requirePositive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw FlowDefinitionException.of(
          setting, value, "must be a positive duration", "use e.g. Duration.ofMillis(100)");
    }
  }
}
