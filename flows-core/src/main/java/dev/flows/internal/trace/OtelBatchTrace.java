package dev.flows.internal.trace;

import dev.flows.Headers;
import dev.flows.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span of one batch, and with per-record spans on, the span of each record processed, by
 * record, so the record's outputs and dead letters carry its own span.
 */
final class OtelBatchTrace extends OtelTrace implements BatchTrace {
  private final OtelFlowTracer tracer;
  private final Map<Message<byte[], byte[]>, OtelTrace> records;

  OtelBatchTrace(
      Span span, TextMapPropagator propagator, OtelFlowTracer tracer, boolean recordSpans) {
    super(span, Context.root(), propagator);
    this.tracer = tracer;
    this.records = recordSpans ? new ConcurrentHashMap<>() : null;
  }

  @Override
  public Headers stamp(Headers headers, Message<byte[], byte[]> source) {
    OtelTrace record = records == null ? null : records.get(source);
    return (record == null ? this : record).stamp(headers);
  }

  @Override
  public Trace record(Message<byte[], byte[]> source) {
    if (records == null) {
      return Untraced.INSTANCE;
    }
    OtelTrace record = tracer.record(span(), source);
    records.put(source, record);
    return record;
  }
}
