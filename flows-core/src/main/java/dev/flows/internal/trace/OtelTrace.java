package dev.flows.internal.trace;

import dev.flows.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One OpenTelemetry span, with the headers that carry its context, written once by the propagator
 * so stamping an output only swaps header entries. A span that is not valid (a no-op OpenTelemetry)
 * stamps nothing: the headers stay as they came.
 */
class OtelTrace implements Trace {
  private final Span span;
  private final Context context;
  private final Collection<String> fields;
  private final List<Headers.Header> carried;

  /** {@code span}, started under {@code parent}, whose context {@code propagator} writes. */
  OtelTrace(Span span, Context parent, TextMapPropagator propagator) {
    this.span = span;
    this.context = parent.with(span);
    this.fields = propagator.fields();
    List<Headers.Header> injected = new ArrayList<>(2);
    if (span.getSpanContext().isValid()) {
      propagator.inject(
          context,
          injected,
          (list, key, value) ->
              list.add(new Headers.Header(key, value.getBytes(StandardCharsets.UTF_8))));
    }
    this.carried = List.copyOf(injected);
  }

  /** The span. */
  final Span span() {
    return span;
  }

  @Override
  public final Headers stamp(Headers headers) {
    if (carried.isEmpty()) {
      return headers;
    }
    List<Headers.Header> stamped = new ArrayList<>(headers.size() + carried.size());
    for (Headers.Header header : headers) {
      if (!fields.contains(header.key())) {
        stamped.add(header);
      }
    }
    stamped.addAll(carried);
    return Headers.of(stamped);
  }

  @Override
  public final Scope enter() {
    io.opentelemetry.context.Scope scope = context.makeCurrent();
    return scope::close;
  }

  @Override
  public final void attribute(String key, long value) {
    span.setAttribute(key, value);
  }

  @Override
  public final void failed(Throwable error) {
    span.recordException(error);
    span.setStatus(StatusCode.ERROR, error.toString());
  }

  @Override
  public final void failed(String reason) {
    span.setStatus(StatusCode.ERROR, reason);
  }

  @Override
  public final void end() {
    span.end();
  }
}
