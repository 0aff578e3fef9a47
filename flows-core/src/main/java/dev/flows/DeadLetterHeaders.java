package dev.flows;

/**
 * The headers a dead-lettered record carries besides its original ones. Values are UTF-8 text. The
 * record's key and value are the original bytes, so it can be replayed as it was.
 */
public final class DeadLetterHeaders {
  /** Class name of the exception: {@value}. */
  public static final String ERROR_CLASS = "flows.error.class";

  /** Message of the exception (at most 1,000 characters): {@value}. */
  public static final String ERROR_MESSAGE = "flows.error.message";

  /**
   * Where it failed: {@code decode}, {@code process}, {@code publish}, or {@code store} (a table
   * sink refused its row): {@value}.
   */
  public static final String ERROR_STAGE = "flows.error.stage";

  /** The flow that dead-lettered it: {@value}. */
  public static final String FLOW = "flows.flow";

  /** The topic it was read from: {@value}. */
  public static final String SOURCE_TOPIC = "flows.source.topic";

  /** The partition it was read from: {@value}. */
  public static final String SOURCE_PARTITION = "flows.source.partition";

  /** The offset it was read from: {@value}. */
  public static final String SOURCE_OFFSET = "flows.source.offset";

  /** How many times it was attempted: {@value}. */
  public static final String ATTEMPTS = "flows.attempts";

  /**
   * The {@link FailureClass} of the failure, {@code permanent} or {@code retryable}: {@value}. (A
   * transient failure is never dead-lettered.)
   */
  public static final String FAILURE_CLASS = "flows.failure.class";

  /**
   * How many times a task was put back after a transient failure (not counted as attempts):
   * {@value}.
   */
  public static final String TRANSIENT_RETRIES = "flows.transient.retries";

  /**
   * How many times {@code dev.flows.kafka.Redrive} re-published it to its flow's retry topic
   * (absent: never); a re-drive skips a record whose count reached its limit: {@value}.
   */
  public static final String REDRIVE_COUNT = "flows.redrive.count";

  private DeadLetterHeaders() {}
}
