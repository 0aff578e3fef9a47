package dev.flows.internal.trace;

import dev.flows.Headers;
import dev.flows.Message;

/**
 * The span of one batch, linked to the span contexts its records carry, and the spans of its
 * records when per-record spans are on. Thread-safe: the lanes of a batch use it concurrently.
 */
public interface BatchTrace extends Trace {

  /**
   * The headers of an output or dead letter of {@code source}: stamped with the span of {@code
   * source} if it has one, else with the batch's span.
   */
  Headers stamp(Headers headers, Message<byte[], byte[]> source);

  /**
   * Starts the span of processing {@code source}, a child of the span context it carries (else of
   * the batch's span); with per-record spans off, a trace that does nothing.
   */
  Trace record(Message<byte[], byte[]> source);
}
