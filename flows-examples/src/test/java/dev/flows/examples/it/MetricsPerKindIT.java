package dev.flows.examples.it;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Queue;
import dev.flows.Row;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.metrics.FlowsMetric;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.OutgoingTask;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import dev.flows.testkit.TestRabbitMq;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every flow kind, run once on the real broker, PostgreSQL and RabbitMQ, records every metric the
 * catalogue ({@link FlowsMetric}) says it records with every batch, and its dead letters: the
 * catalogue, and docs/metrics.md generated from it, cannot promise a metric a kind never emits.
 */
@FlowsServices
class MetricsPerKindIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Topic<String, String> IN = topic("it-kinds-in", string(), string());
  private static final Topic<String, String> OUT = topic("it-kinds-out", string(), string());
  private static final Queue<String> TASKS = queue("it-kinds-tasks", string());

  @Test
  void shouldRecordEveryMetricOfTheCatalogueThatAppliesWhenEachKindRunsOnce(
      TestKafka kafka, TestPostgres postgres, TestRabbitMq rabbit) throws Exception {
    List<Flow> flows = flows();
    for (Topic<?, ?> t : List.of(IN, OUT)) {
      kafka.createTopic(t.name(), 1);
    }
    flows.forEach(f -> kafka.createTopic(f.deadLetterTopic(), 1));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource());
        RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        FlowRuntime runtime =
            FlowRuntime.builder(flows.toArray(Flow[]::new))
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .tableSink(sink)
                .taskQueue(queue)
                .meterRegistry(registry)
                .adminPort(0)
                .build()
                .start()) {
      kafka.produce(IN.name(), List.of(pair("k", "1"), pair("k", "poison")));
      queue.send(new OutgoingTask(TASKS.name(), bytes("t"), Headers.empty()), error -> {});
      post(runtime.adminPort().getAsInt(), "/kinds", "hello");
      Awaits.until(DEADLINE, "every kind's metrics", () -> missing(flows, registry).isEmpty());
    }
    assertEquals(List.of(), missing(flows, registry));
  }

  private static List<Flow> flows() {
    return List.of(
        Flows.stateless("it-kinds-map").from(IN).mapValues(MetricsPerKindIT::checked).to(OUT),
        Flows.stateful("it-kinds-count")
            .from(IN)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_kinds_count"))
            .apply((k, v, n) -> StateUpdate.set(n + 1, checked(v)))
            .to(OUT),
        Flows.collector("it-kinds-collect")
            .from(IN)
            .aggregate(() -> 0L, (k, v, n) -> n + checked(v).length())
            .collect((k, n) -> Long.toString(n))
            .to(OUT),
        Flows.materialise("it-kinds-table")
            .from(IN)
            .into(
                TableSpec.of("it_kinds_table", Column.text("k")).withColumn(Column.bigint("n")),
                (k, v) -> Row.of("n", Long.parseLong(v))),
        Flows.task("it-kinds-task").from(TASKS).run(t -> "done " + t).to(OUT),
        Flows.cron("it-kinds-cron").schedule("@every 1s").produce(() -> "tick").to(OUT),
        Flows.http("it-kinds-http").post("/kinds", string()).map(b -> KeyValue.of(b, b)).to(OUT));
  }

  private static String checked(String value) {
    if (value.equals("poison")) {
      throw new IllegalArgumentException("poison");
    }
    return value;
  }

  /**
   * {@code metric flow} for each metric a flow's kind records with every batch, and dead letters.
   */
  private static List<String> missing(List<Flow> flows, SimpleMeterRegistry registry) {
    List<String> missing = new ArrayList<>();
    for (Flow flow : flows) {
      for (FlowsMetric metric : FlowsMetric.values()) {
        boolean expected =
            metric.kinds().contains(flow.kind())
                && (metric.recorded() == FlowsMetric.Recorded.ALWAYS
                    || metric == FlowsMetric.DEAD_LETTERS);
        if (expected && !recorded(registry, metric, flow)) {
          missing.add(metric.metricName() + " " + flow.name());
        }
      }
    }
    return missing;
  }

  private static boolean recorded(SimpleMeterRegistry registry, FlowsMetric metric, Flow flow) {
    for (Meter meter : registry.find(metric.metricName()).tag("flow", flow.name()).meters()) {
      for (var m : meter.measure()) {
        if (metric.type() == FlowsMetric.Type.GAUGE || m.getValue() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static void post(int port, String path, String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode(), response.body());
  }

  private static byte[][] pair(String key, String value) {
    return new byte[][] {bytes(key), bytes(value)};
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
