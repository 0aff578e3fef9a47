package dev.flows.internal.trace;

import dev.flows.Flow;

/**
 * The tracing of a runtime: {@link Untraced} when it is off, else OpenTelemetry's ({@link
 * OtelTracing}). Chosen once, when the runtime is built ({@link Tracings}), so a service without
 * the OpenTelemetry API never loads one of its classes.
 */
public interface Tracing {

  /**
   * The tracer of {@code flow}; with {@code recordSpans}, its stateless and stateful batches also
   * get a span per record.
   */
  FlowTracer flow(Flow flow, boolean recordSpans);

  /** What this tracing is, for the start-up log. */
  String describe();
}
