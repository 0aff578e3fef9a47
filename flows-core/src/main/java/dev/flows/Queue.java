package dev.flows;

import dev.flows.format.Format;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named task queue with the format of its tasks. Immutable; the name is validated when the queue
 * is created. A queue holds values only: a Kafka record's key is not carried into a task.
 *
 * <p>Besides the queue itself, the task broker keeps {@link #deadLetterQueue()} for tasks that
 * failed for good and delay queues {@code <name>.delay.<millis>} for tasks waiting for a retry.
 *
 * @param name the queue name: 1 to {@value #MAX_LENGTH} of {@code [a-zA-Z0-9._:-]}, not starting
 *     with {@code amq.} (reserved by AMQP brokers)
 * @param valueFormat how tasks are encoded
 */
public record Queue<V>(String name, Format<V> valueFormat) {
  /**
   * The longest queue name: {@value}. AMQP allows 255 bytes; the rest is kept for the suffixes of
   * the dead-letter and delay queues.
   */
  public static final int MAX_LENGTH = 200;

  /** The suffix of a queue's dead-letter queue: {@value}. */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._:-]{1," + MAX_LENGTH + "}");

  /** Validates the name and the format. */
  public Queue {
    if (name == null || !LEGAL.matcher(name).matches()) {
      throw FlowDefinitionException.of(
          "queue name",
          name,
          "is not a legal queue name",
          "use 1 to " + MAX_LENGTH + " of [a-zA-Z0-9._:-]");
    }
    if (name.startsWith("amq.")) {
      throw FlowDefinitionException.of(
          "queue name", name, "starts with the reserved prefix amq.", "choose another prefix");
    }
    Objects.requireNonNull(valueFormat, "valueFormat");
  }

  /** A queue of tasks encoded with {@code format}. */
  public static <V> Queue<V> queue(String name, Format<V> format) {
    return new Queue<>(name, format);
  }

  /** Where tasks that failed for good go, with the reason in headers: {@code <name>.dlq}. */
  public String deadLetterQueue() {
    return name + DEAD_LETTER_SUFFIX;
  }

  /** {@code name [valueFormat]}, as plans print it. */
  @Override
  public String toString() {
    return name + " [" + valueFormat.name() + "]";
  }
}
