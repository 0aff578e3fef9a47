package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.LongString;
import dev.flows.Headers;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts between Flows headers (multi-valued bytes) and AMQP headers (one value per key). */
public final class AmqpHeaders {
  /**
   * The W3C trace-context headers, written as AMQP strings (not byte arrays) because other RabbitMQ
   * clients and OpenTelemetry's RabbitMQ instrumentation read them as text.
   */
  static final Set<String> TEXT = Set.of("traceparent", "tracestate", "baggage");

  private AmqpHeaders() {}

  /**
   * The last value of each key, as bytes (AMQP keeps one value per header); trace context as text.
   */
  public static Map<String, Object> toAmqp(Headers headers) {
    Map<String, Object> map = new HashMap<>();
    for (Headers.Header h : headers) {
      map.put(h.key(), TEXT.contains(h.key()) && h.value() != null ? h.stringValue() : h.value());
    }
    return map;
  }

  /** AMQP headers as Flows headers; values as UTF-8 text unless they were bytes. */
  public static Headers fromAmqp(Map<String, Object> map) {
    if (map == null || map.isEmpty()) {
      return Headers.empty();
    }
    return Headers.of(
        map.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> new Headers.Header(e.getKey(), bytes(e.getValue())))
            .toList());
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof LongString s) {
      return s.getBytes();
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? new byte[0] : bytes(list.get(list.size() - 1));
    }
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }
}
