package dev.flows.internal.trace;

import dev.flows.Headers;

/**
 * One span of a flow's work (a batch, a record, a task, a request, a firing), or nothing when
 * tracing is off. Callers end every trace they start, whatever happens.
 */
public interface Trace {

  /** While open, the span is the current one on the thread that entered it. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * {@code headers} with this span's trace context (W3C {@code traceparent}, {@code tracestate}) in
   * place of any they carried, so whoever reads the output continues the trace from this span;
   * {@code headers} unchanged when tracing is off.
   */
  Headers stamp(Headers headers);

  /**
   * Makes the span current on this thread until the scope is closed, so spans the user's code
   * starts meanwhile are its children.
   */
  Scope enter();

  /** Sets a numeric attribute of the span. */
  void attribute(String key, long value);

  /** Marks the span failed by {@code error}, which it records. */
  void failed(Throwable error);

  /** Marks the span failed for {@code reason}. */
  void failed(String reason);

  /** Ends the span. */
  void end();
}
