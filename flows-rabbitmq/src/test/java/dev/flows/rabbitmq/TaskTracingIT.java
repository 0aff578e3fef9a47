package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestRabbitMq;
import dev.flows.tracing.Spans;
import dev.flows.tracing.Spans.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trace propagation through RabbitMQ: a task published by a Kafka-sourced flow carries its batch's
 * trace context, and a task run is a span that continues the trace its message carries.
 */
@FlowsServices
class TaskTracingIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TRACEPARENT = "traceparent";

  private final Spans spans = new Spans();

  @AfterEach
  void closeSdk() {
    spans.close();
  }

  @Test
  void shouldPublishTasksCarryingTheBatchSpanAsAnAmqpStringWhenAFlowWritesToAQueue(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    String name = Amqp.uniqueName("trace-bridge");
    Topic<String, String> in = topic(name + "-in", string(), string());
    Queue<String> tasks = queue(name, string());
    kafka.createTopic(in.name(), 1);
    Flow bridge =
        Flows.stateless("it-trace-bridge").from(in).mapValues(v -> "task:" + v).toQueue(tasks);
    TraceParent input = TraceParent.random();
    produce(kafka, in.name(), input);

    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime =
            FlowRuntime.builder(bridge)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .taskQueue(queue)
                .openTelemetry(spans.openTelemetry())
                .build()
                .start()) {
      Awaits.until(TIMEOUT, "the task in " + tasks.name(), () -> amqp.ready(tasks.name()) == 1);
      GetResponse task = amqp.drain(tasks.name()).get(0);
      Object header = task.getProps().getHeaders().get(TRACEPARENT);

      assertInstanceOf(LongString.class, header, "trace context goes as an AMQP string");
      TraceParent carried = TraceParent.parse(header.toString());
      SpanData batch = spans.await(carried.spanId(), TIMEOUT);
      assertEquals("it-trace-bridge batch", batch.getName());
      assertTrue(batch.getLinks().stream().anyMatch(l -> input.is(l.getSpanContext())));
    }
  }

  @Test
  void shouldRunATaskInASpanContinuingItsTraceAndStampTheResultWithIt(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    String name = Amqp.uniqueName("trace-tasks");
    Queue<String> tasks = queue(name, string());
    Topic<String, String> done = topic(name + "-done", string(), string());
    kafka.createTopic(done.name(), 1);
    Flow executor =
        Flows.task("it-trace-executor", TaskOptions.defaults())
            .from(tasks)
            .run(task -> task + " done")
            .to(done);
    TraceParent producer = TraceParent.random();

    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime =
            FlowRuntime.builder(executor)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .taskQueue(queue)
                .openTelemetry(spans.openTelemetry())
                .build()
                .start()) {
      Awaits.until(TIMEOUT, "the executor to consume", runtime::isReady);
      amqp.publish(tasks.name(), "resize", Map.of(TRACEPARENT, producer.header()));
      ConsumerRecord<byte[], byte[]> result = kafka.readAll(done.name(), 1, TIMEOUT).get(0);
      TraceParent carried = TraceParent.parse(result.headers().lastHeader(TRACEPARENT).value());

      assertEquals("resize done", new String(result.value(), StandardCharsets.UTF_8));
      assertEquals(producer.traceId(), carried.traceId(), "the result continues the task's trace");
      SpanData run = spans.await(carried.spanId(), TIMEOUT);
      assertEquals("it-trace-executor process", run.getName());
      assertEquals(SpanKind.CONSUMER, run.getKind());
      assertEquals(producer.spanId(), run.getParentSpanId());
      assertEquals("rabbitmq", run.getAttributes().get(AttributeKey.stringKey("messaging.system")));
      assertEquals(
          tasks.name(),
          run.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")));
    }
  }

  @Test
  void shouldCarryOneTraceFromABatchThroughItsTaskToTheTasksResultWhenChained(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    String name = Amqp.uniqueName("trace-chain");
    Topic<String, String> in = topic(name + "-in", string(), string());
    Queue<String> tasks = queue(name, string());
    Topic<String, String> done = topic(name + "-done", string(), string());
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(done.name(), 1);
    Flow bridge = Flows.stateless("it-chain-bridge").from(in).toQueue(tasks);
    Flow executor =
        Flows.task("it-chain-executor", TaskOptions.defaults())
            .from(tasks)
            .run(task -> task + " done")
            .to(done);
    TraceParent input = TraceParent.random();
    produce(kafka, in.name(), input);

    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        FlowRuntime runtime =
            FlowRuntime.builder(bridge, executor)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .taskQueue(queue)
                .openTelemetry(spans.openTelemetry())
                .build()
                .start()) {
      ConsumerRecord<byte[], byte[]> result = kafka.readAll(done.name(), 1, TIMEOUT).get(0);
      TraceParent carried = TraceParent.parse(result.headers().lastHeader(TRACEPARENT).value());

      SpanData run = spans.await(carried.spanId(), TIMEOUT);
      SpanData batch = spans.await(run.getParentSpanId(), TIMEOUT);
      assertEquals("it-chain-executor process", run.getName());
      assertEquals("it-chain-bridge batch", batch.getName(), "the task run's parent");
      assertEquals(batch.getTraceId(), carried.traceId(), "one trace from the batch to the result");
      assertTrue(batch.getLinks().stream().anyMatch(l -> input.is(l.getSpanContext())));
    }
  }

  private static void produce(TestKafka kafka, String topic, TraceParent parent) {
    Properties props = kafka.clientProperties();
    props.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes("k"), bytes("v"));
      record.headers().add(TRACEPARENT, bytes(parent.header()));
      producer.send(record);
      producer.flush();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
