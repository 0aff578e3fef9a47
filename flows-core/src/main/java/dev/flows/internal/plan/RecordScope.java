package dev.flows.internal.plan;

import dev.flows.Headers;
import dev.flows.Message;

/** Collects the encoded outputs of one input record, so a failed attempt can discard them. */
public interface RecordScope {
  /** The raw input record being processed, with its coordinates. */
  Message<byte[], byte[]> source();

  /** Adds an output record for {@code topic}. */
  void emit(String topic, byte[] key, byte[] value, Headers headers, long timestamp);
}
