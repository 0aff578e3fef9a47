package dev.flows.spi;

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

  /** Sends a record; {@code ack} is called when the broker acknowledged it or the send failed for good. */
  void send(OutgoingRecord record, Ack ack);

  /** Pushes out buffered records now; returns when every record sent so far is completed. */
  void flush();

  /** Whether an error from {@link #send} concerns that record only (too large, invalid), not the broker. */
  boolean isRecordError(Exception error);

  /**
   * Whether the sink is connected to its broker right now, for the readiness of flows that only
   * write (http flows). Sinks that cannot tell answer {@code true}.
   */
  default boolean isConnected() {
    return true;
  }

  /** Releases resources, waiting for records in flight. */
  @Override
  void close();
}
