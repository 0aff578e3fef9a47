package dev.flows.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * Publishes records asynchronously. Thread-safe: lanes of one batch send concurrently. Records sent
 * by one thread to one partition keep their order.
 */
public interface Sink extends AutoCloseable {

  /** Callback for a send: {@code error} is {@code null} once the broker acknowledged the record. */
  @FunctionalInterface
  interface Ack {
    /** Called once per send, on any thread. */
    void completed(Exception error);
  }

  /**
   * Sends a record; {@code ack} is called when the broker acknowledged it or the send failed for
   * good.
   */
  void send(OutgoingRecord record, Ack ack);

  /** Pushes out buffered records now; returns when every record sent so far is completed. */
  void flush();

  /**
   * Whether an error from {@link #send} concerns that record only (too large, invalid), not the
   * broker.
   */
  boolean isRecordError(Exception error);

  /**
   * Whether the sink is connected to its broker right now, for the readiness of flows that only
   * write (http flows). Sinks that cannot tell answer {@code true}.
   */
  default boolean isConnected() {
    return true;
  }

  /**
   * Registers the client's own metrics (e.g. the Kafka producer's) in {@code registry} with {@code
   * tags} added, until {@link #close()} removes them. Called once by the runtime when it starts;
   * sinks without client metrics do nothing.
   */
  default void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {}

  /** Releases resources, waiting for records in flight. */
  @Override
  void close();
}
