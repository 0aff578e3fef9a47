package dev.flows;

import java.time.Duration;

/**
 * How a flow batches and parallelises its work, and what it does with failing records. Immutable;
 * validated when built.
 *
 * @param maxRecords a batch closes when it holds this many records
 * @param maxWait a batch closes this long after its first record arrived, even if not full
 * @param maxPerKey a batch closes before a key gets more than this many records; 0 for no limit
 * @param concurrency how many keys of one batch the flow processes at once, on that many lane
 *     threads: a stateless flow's record keys, a stateful flow's persistence ids, a collector's
 *     keys; records of one key (one id) always run in offset order on one lane. Use more than 1 for
 *     I/O-bound steps: the functions then run on several threads at once for different keys.
 *     Stateful flows and collectors publish in the same order as at 1. Materialise flows and joins
 *     run keys one after another and refuse more than 1
 * @param errorPolicy what happens to records that fail
 * @param guarantee at-least-once or exactly-once ({@link Guarantee#RUNTIME_DEFAULT}: the runtime's
 *     choice)
 */
public record FlowOptions(
    int maxRecords,
    Duration maxWait,
    int maxPerKey,
    int concurrency,
    ErrorPolicy errorPolicy,
    Guarantee guarantee) {

  /**
   * Default batch size: {@value}. Chosen from the stateful benchmark (docs/benchmarks.md): on
   * PostgreSQL a batch of 5,000 writes fewer rows per record than one of 2,000 (a key seen twice is
   * written once) and pays its commit and acknowledgement wait over more records.
   */
  public static final int DEFAULT_MAX_RECORDS = 5_000;

  /** Default batch wait in milliseconds: {@value}. */
  public static final long DEFAULT_MAX_WAIT_MS = 100;

  /** Default concurrency: {@value} (sequential, in offset order). */
  public static final int DEFAULT_CONCURRENCY = 1;

  /** Upper bound on concurrency: {@value} threads per flow. */
  public static final int MAX_CONCURRENCY = 1_000;

  /** Validates every setting. */
  public FlowOptions {
    if (maxRecords < 1) {
      throw FlowDefinitionException.of(
          "maxRecords", maxRecords, "must be at least 1", "use e.g. " + DEFAULT_MAX_RECORDS);
    }
    if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
      throw FlowDefinitionException.of(
          "maxWait", maxWait, "must be a positive duration", "use e.g. Duration.ofMillis(100)");
    }
    if (maxPerKey < 0) {
      throw FlowDefinitionException.of(
          "maxPerKey", maxPerKey, "must not be negative", "use 0 for no per-key limit");
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw FlowDefinitionException.of(
          "concurrency",
          concurrency,
          "must be between 1 and " + MAX_CONCURRENCY,
          "use 1 for sequential processing");
    }
    if (errorPolicy == null) {
      throw FlowDefinitionException.of(
          "errorPolicy", null, "is missing", "use ErrorPolicy.defaults()");
    }
    if (guarantee == null) {
      throw FlowDefinitionException.of(
          "guarantee", null, "is missing", "use Guarantee.RUNTIME_DEFAULT");
    }
  }

  /** Options with the runtime's default guarantee. */
  public FlowOptions(
      int maxRecords, Duration maxWait, int maxPerKey, int concurrency, ErrorPolicy errorPolicy) {
    this(maxRecords, maxWait, maxPerKey, concurrency, errorPolicy, Guarantee.RUNTIME_DEFAULT);
  }

  /**
   * Batches of {@value #DEFAULT_MAX_RECORDS} or {@value #DEFAULT_MAX_WAIT_MS} ms, sequential,
   * default errors, the runtime's default guarantee.
   */
  public static FlowOptions defaults() {
    return new FlowOptions(
        DEFAULT_MAX_RECORDS,
        Duration.ofMillis(DEFAULT_MAX_WAIT_MS),
        0,
        DEFAULT_CONCURRENCY,
        ErrorPolicy.defaults());
  }

  /** A copy with another batch size. */
  public FlowOptions withMaxRecords(int records) {
    return new FlowOptions(records, maxWait, maxPerKey, concurrency, errorPolicy, guarantee);
  }

  /** A copy with another batch wait. */
  public FlowOptions withMaxWait(Duration wait) {
    return new FlowOptions(maxRecords, wait, maxPerKey, concurrency, errorPolicy, guarantee);
  }

  /** A copy with another per-key limit (0: none). */
  public FlowOptions withMaxPerKey(int perKey) {
    return new FlowOptions(maxRecords, maxWait, perKey, concurrency, errorPolicy, guarantee);
  }

  /** A copy with another concurrency. */
  public FlowOptions withConcurrency(int keysAtOnce) {
    return new FlowOptions(maxRecords, maxWait, maxPerKey, keysAtOnce, errorPolicy, guarantee);
  }

  /** A copy with another error policy. */
  public FlowOptions withErrorPolicy(ErrorPolicy policy) {
    return new FlowOptions(maxRecords, maxWait, maxPerKey, concurrency, policy, guarantee);
  }

  /**
   * A copy with another processing guarantee; {@link Guarantee#EXACTLY_ONCE} runs each batch in a
   * Kafka transaction (see {@link Guarantee}).
   */
  public FlowOptions withGuarantee(Guarantee processing) {
    return new FlowOptions(maxRecords, maxWait, maxPerKey, concurrency, errorPolicy, processing);
  }
}
