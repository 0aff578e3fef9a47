package dev.flows.internal.runtime;

import static dev.flows.DeadLetterHeaders.ATTEMPTS;
import static dev.flows.DeadLetterHeaders.ERROR_CLASS;
import static dev.flows.DeadLetterHeaders.ERROR_MESSAGE;
import static dev.flows.DeadLetterHeaders.ERROR_STAGE;
import static dev.flows.DeadLetterHeaders.FAILURE_CLASS;
import static dev.flows.DeadLetterHeaders.FLOW;
import static dev.flows.DeadLetterHeaders.SOURCE_OFFSET;
import static dev.flows.DeadLetterHeaders.SOURCE_PARTITION;
import static dev.flows.DeadLetterHeaders.SOURCE_TOPIC;

import dev.flows.FailureClass;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.OutgoingRecord;
import java.util.Locale;

/** Builds dead-letter records: the original bytes and headers plus the reason. */
final class DeadLetters {
  static final int MAX_MESSAGE_LENGTH = 1_000;

  private final String flow;
  private final String topic;

  DeadLetters(String flow, String topic) {
    this.flow = flow;
    this.topic = topic;
  }

  /** Where a record failed. */
  enum Stage {
    DECODE,
    PROCESS,
    PUBLISH,
    /** The store refused to hold what the record produced (a state row, a table row). */
    STORE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  OutgoingRecord of(
      Message<byte[], byte[]> source,
      Exception error,
      int attempts,
      Stage stage,
      FailureClass failureClass) {
    Headers headers =
        source
            .headers()
            .with(ERROR_CLASS, error.getClass().getName())
            .with(ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())))
            .with(ERROR_STAGE, stage.label())
            .with(FLOW, flow)
            .with(SOURCE_TOPIC, source.topic())
            .with(SOURCE_PARTITION, Integer.toString(source.partition()))
            .with(SOURCE_OFFSET, Long.toString(source.offset()))
            .with(ATTEMPTS, Integer.toString(attempts))
            .with(FAILURE_CLASS, failureClass.label());
    return new OutgoingRecord(topic, source.key(), source.value(), headers, source.timestamp());
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_LENGTH
        ? message
        : message.substring(0, MAX_MESSAGE_LENGTH);
  }
}
