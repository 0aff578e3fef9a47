package dev.flows.internal.trace;

import dev.flows.Headers;
import dev.flows.Message;
import java.time.Instant;
import java.util.List;

/**
 * Starts the spans of one flow's work: one per batch, task, request or firing. {@link Tracing#flow}
 * gives each flow its own.
 */
public interface FlowTracer {

  /** Starts the span of a batch of {@code records}: a new trace, linked to theirs. */
  BatchTrace batch(List<Message<byte[], byte[]>> records);

  /**
   * Starts the span of running a task taken from {@code queue}: a child of the span context its
   * {@code headers} carry, else a new trace.
   */
  Trace task(String queue, Headers headers, int attempt);

  /**
   * Starts the span of answering a POST to {@code path}: a child of the span context the request's
   * {@code headers} carry, else a new trace.
   */
  Trace request(String path, Headers headers);

  /** Starts the span of the firing due at {@code due}: a new trace. */
  Trace firing(Instant due);
}
