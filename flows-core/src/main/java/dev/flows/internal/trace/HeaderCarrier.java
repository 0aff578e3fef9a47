package dev.flows.internal.trace;

import dev.flows.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Reads trace context from Flows headers (Kafka record headers, task headers, the trace headers of
 * an HTTP request) for the propagator: the last value of a key, as UTF-8.
 */
enum HeaderCarrier implements TextMapGetter<Headers> {
  INSTANCE;

  @Override
  public String get(Headers carrier, String key) {
    return carrier == null ? null : carrier.lastString(key).orElse(null);
  }
}
