package dev.flows.internal.trace;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.internal.trace.OtelTracing.Otel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The spans of one flow, named and attributed after OpenTelemetry's messaging and HTTP semantic
 * conventions where they fit. A batch span starts a new trace linked to the span context of each
 * record (at most {@value #MAX_LINKS}); a record's, a task's or a request's span is a child of the
 * span context its headers carry.
 */
final class OtelFlowTracer implements FlowTracer {
  /** The most records of a batch whose span contexts the batch span links to: {@value}. */
  static final int MAX_LINKS = 128;

  static final String MESSAGING_SYSTEM = "messaging.system";
  static final String OPERATION_TYPE = "messaging.operation.type";
  static final String DESTINATION = "messaging.destination.name";
  static final String PARTITION = "messaging.destination.partition.id";
  static final String OFFSET = "messaging.kafka.offset";
  static final String CONSUMER_GROUP = "messaging.consumer.group.name";
  static final String BATCH_COUNT = "messaging.batch.message_count";
  static final String LINKS_CAPPED = "flows.batch.links_capped";
  static final String ATTEMPT = "flows.task.attempt";
  static final String DUE = "flows.cron.due";

  private final Supplier<Otel> otel;
  private final String flow;
  private final boolean recordSpans;

  OtelFlowTracer(Supplier<Otel> otel, String flow, boolean recordSpans) {
    this.otel = otel;
    this.flow = flow;
    this.recordSpans = recordSpans;
  }

  @Override
  public BatchTrace batch(List<Message<byte[], byte[]>> records) {
    Otel o = otel.get();
    SpanBuilder span =
        kafka(o.tracer().spanBuilder(flow + " batch").setNoParent())
            .setAttribute(BATCH_COUNT, records.size());
    String topic = singleTopic(records);
    if (topic != null) {
      span.setAttribute(DESTINATION, topic);
    }
    int links = 0;
    for (Message<byte[], byte[]> record : records) {
      SpanContext carried = carried(o, Context.root(), record.headers());
      if (carried.isValid()) {
        if (links == MAX_LINKS) {
          span.setAttribute(LINKS_CAPPED, true);
          break;
        }
        span.addLink(carried);
        links++;
      }
    }
    return new OtelBatchTrace(span.startSpan(), o.propagator(), this, recordSpans);
  }

  /** The span of one record of the batch whose span is {@code batch}. */
  OtelTrace record(Span batch, Message<byte[], byte[]> source) {
    Otel o = otel.get();
    Context parent = extract(o, Context.root().with(batch), source.headers());
    SpanBuilder span =
        kafka(o.tracer().spanBuilder(flow + " process").setParent(parent))
            .setAttribute(DESTINATION, source.topic())
            .setAttribute(PARTITION, Integer.toString(source.partition()))
            .setAttribute(OFFSET, source.offset());
    if (Span.fromContext(parent) != batch) {
      span.addLink(batch.getSpanContext());
    }
    return new OtelTrace(span.startSpan(), parent, o.propagator());
  }

  @Override
  public Trace task(String queue, Headers headers, int attempt) {
    Otel o = otel.get();
    Context parent = extract(o, Context.current(), headers);
    Span span =
        o.tracer()
            .spanBuilder(flow + " process")
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(MESSAGING_SYSTEM, "rabbitmq")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(DESTINATION, queue)
            .setAttribute(ATTEMPT, attempt)
            .startSpan();
    return new OtelTrace(span, parent, o.propagator());
  }

  @Override
  public Trace request(String path, Headers headers) {
    Otel o = otel.get();
    Context parent = extract(o, Context.current(), headers);
    Span span =
        o.tracer()
            .spanBuilder("POST " + path)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "POST")
            .setAttribute("http.route", path)
            .setAttribute("url.path", path)
            .setAttribute("flows.flow", flow)
            .startSpan();
    return new OtelTrace(span, parent, o.propagator());
  }

  @Override
  public Trace firing(Instant due) {
    Otel o = otel.get();
    Span span =
        o.tracer()
            .spanBuilder(flow + " fire")
            .setNoParent()
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(DUE, due.toString())
            .startSpan();
    return new OtelTrace(span, Context.root(), o.propagator());
  }

  /** A consumer span of this flow reading Kafka. */
  private SpanBuilder kafka(SpanBuilder span) {
    return span.setSpanKind(SpanKind.CONSUMER)
        .setAttribute(MESSAGING_SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(CONSUMER_GROUP, flow);
  }

  /** {@code context} with the span context {@code headers} carry, if they carry one. */
  private static Context extract(Otel o, Context context, Headers headers) {
    return o.propagator().extract(context, headers, HeaderCarrier.INSTANCE);
  }

  private static SpanContext carried(Otel o, Context context, Headers headers) {
    return Span.fromContext(extract(o, context, headers)).getSpanContext();
  }

  private static String singleTopic(List<Message<byte[], byte[]>> records) {
    String topic = records.isEmpty() ? null : records.get(0).topic();
    for (Message<byte[], byte[]> record : records) {
      if (!record.topic().equals(topic)) {
        return null;
      }
    }
    return topic;
  }
}
