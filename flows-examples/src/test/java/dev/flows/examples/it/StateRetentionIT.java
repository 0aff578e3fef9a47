package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.metrics.FlowsMetric;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A count whose state has a 1 s retention, on the real broker (committed offsets from it) and
 * PostgreSQL: rows unwritten past the retention and behind the group's committed offset are
 * deleted; rows a replay from the committed offset can still reach are kept until the group commits
 * past them; a key seen again after its row was purged counts from its initial state.
 */
@FlowsServices
class StateRetentionIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final CountDownLatch BLOCKED = new CountDownLatch(1);
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  private final Topic<String, String> words = topic("it-retention-words", string(), string());
  private final Topic<String, String> counts = topic("it-retention-counts", string(), string());
  private final StateSpec<Long> count = StateSpec.of("it_retention", Formats.longs(), () -> 0L);

  private Flow flow(StateSpec<Long> state) {
    return Flows.stateful("it-retention-count")
        .from(words)
        .state(state)
        .apply(
            (word, value, n) -> {
              if ("block".equals(value)) {
                BLOCKED.countDown();
                RELEASE.await(60, TimeUnit.SECONDS);
              }
              return StateUpdate.set(n + 1, word + "=" + (n + 1) + " " + value);
            })
        .to(counts);
  }

  @Test
  void shouldDeleteRowsBehindTheCommittedOffsetsWhenPastTheRetention(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Flow withoutRetention = flow(count);
    kafka.createTopic(words.name(), 1);
    kafka.createTopic(counts.name(), 1);
    kafka.createTopic(withoutRetention.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + count.table());
    kafka.produce(
        words.name(), records("first", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = runtime(withoutRetention, kafka, store, new SimpleMeterRegistry())) {
      awaitCommitted(kafka, 10);
    }
    rewindTo(kafka, 5); // records 5..9 are applied, but a replay from 5 reaches their rows again
    kafka.produce(words.name(), List.<byte[][]>of(new byte[][] {bytes("held"), bytes("block")}));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Flow withRetention = flow(count.withRetention(Duration.ofSeconds(1)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = runtime(withRetention, kafka, store, registry)) {
      assertEquals(true, BLOCKED.await(60, TimeUnit.SECONDS), "the batch from offset 5 runs");
      Awaits.until(
          DEADLINE, "k0..k4 purged", () -> stored(postgres, "k0", "k1", "k2", "k3", "k4") == 0);

      assertEquals(Map.of(0, 5L), kafka.committedOffsets(withRetention.name(), words.name()));
      assertEquals(5, stored(postgres, "k5", "k6", "k7", "k8", "k9"), "ahead of the commit: kept");
      Awaits.until(DEADLINE, "5 counted", () -> purged(registry, withRetention) == 5.0);
      Awaits.until(DEADLINE, "the rows sampled", () -> sampledRows(registry, withRetention) >= 0);

      RELEASE.countDown();
      awaitCommitted(kafka, 11);
      Awaits.until(DEADLINE, "every row purged once committed", () -> stored(postgres) == 0);
      kafka.produce(words.name(), records("again", "k0", "k9"));
      List<String> outputs = new ArrayList<>();
      Awaits.until(
          DEADLINE,
          "k0 and k9 counted again",
          () -> {
            outputs.clear();
            kafka
                .readAll(counts.name(), 13, DEADLINE)
                .forEach(r -> outputs.add(new String(r.value(), StandardCharsets.UTF_8)));
            return outputs.stream().filter(o -> o.endsWith(" again")).count() >= 2;
          });
      assertEquals(
          List.of("k0=1 again", "k9=1 again"),
          outputs.stream().filter(o -> o.endsWith(" again")).toList(),
          "from the initial state");
      Awaits.until(DEADLINE, "11 counted", () -> purged(registry, withRetention) == 11.0);
    }
  }

  private static FlowRuntime runtime(
      Flow flow, TestKafka kafka, PostgresStateStore store, SimpleMeterRegistry registry) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store)
        .meterRegistry(registry)
        .build()
        .start();
  }

  private void awaitCommitted(TestKafka kafka, long next) {
    Awaits.until(
        DEADLINE,
        "offset " + next + " committed",
        () ->
            kafka.committedOffsets("it-retention-count", words.name()).getOrDefault(0, 0L) >= next);
  }

  /** What an operator does with kafka-consumer-groups --reset-offsets, the group stopped. */
  private void rewindTo(TestKafka kafka, long offset) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin
          .alterConsumerGroupOffsets(
              "it-retention-count",
              Map.of(new TopicPartition(words.name(), 0), new OffsetAndMetadata(offset)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private long stored(TestPostgres postgres, String... ids) {
    String where = ids.length == 0 ? "" : " WHERE id IN ('" + String.join("', '", ids) + "')";
    return postgres.queryLong("SELECT count(*) FROM " + count.table() + where);
  }

  private static double purged(SimpleMeterRegistry registry, Flow flow) {
    Counter counter =
        registry
            .find(FlowsMetric.STATE_ROWS_PURGED.metricName())
            .tag("flow", flow.name())
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static double sampledRows(SimpleMeterRegistry registry, Flow flow) {
    var gauge = registry.find(FlowsMetric.STATE_ROWS.metricName()).tag("flow", flow.name()).gauge();
    return gauge == null || Double.isNaN(gauge.value()) ? -1 : gauge.value();
  }

  private static List<byte[][]> records(String value, String... keys) {
    List<byte[][]> records = new ArrayList<>();
    for (String key : keys) {
      records.add(new byte[][] {bytes(key), bytes(value)});
    }
    return records;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
