package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.metrics.FlowsMetric;
import dev.flows.postgres.PostgresTableSink;
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
import org.junit.jupiter.api.Test;

/**
 * A running materialise flow purges the deleted markers of its versioned table once they are older
 * than the table's marker retention and its group committed past them, on the real broker (the
 * committed offsets come from it) and PostgreSQL, and counts them in {@code
 * flows.table.markers.purged}; live rows stay.
 */
@FlowsServices
class MarkerPurgeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final Topic<String, String> words = topic("it-purge-words", string(), string());
  private final TableSpec table =
      TableSpec.of("it_purge_words", Column.text("word"))
          .withColumn(Column.text("value"))
          .withOffsetColumn("updated_offset")
          .withMarkerRetention(Duration.ofSeconds(1));
  private final Flow flow =
      Flows.materialise("it-purge-words")
          .from(words)
          .into(table, (word, value) -> Row.of("value", value));

  @Test
  void shouldPurgeTheMarkersOfItsTombstonesWhenOlderThanTheRetentionAndCommitted(
      TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(words.name(), 2);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + table.name());
    List<byte[][]> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(new byte[][] {bytes("k" + i), bytes("v" + i)});
    }
    for (int i = 0; i < 5; i++) {
      records.add(new byte[][] {bytes("k" + i), null});
    }
    kafka.produce(words.name(), records);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(flow)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .tableSink(sink)
                .meterRegistry(registry)
                .build()
                .start()) {
      Awaits.until(
          DEADLINE,
          "every record committed",
          () ->
              kafka.committedOffsets(flow.name(), words.name()).values().stream()
                      .mapToLong(Long::longValue)
                      .sum()
                  >= records.size());
      Awaits.until(
          DEADLINE,
          "the five markers purged",
          () -> postgres.queryLong("SELECT count(*) FROM " + table.name() + " WHERE deleted") == 0);
    }

    assertEquals(5.0, purged(registry), "flows.table.markers.purged");
    assertEquals(
        5, postgres.queryLong("SELECT count(*) FROM " + table.name() + " WHERE NOT deleted"));
    assertEquals(
        0,
        postgres.queryLong(
            "SELECT count(*) FROM "
                + table.name()
                + " WHERE word IN ('k0', 'k1', 'k2', 'k3', 'k4')"),
        "the deleted keys are gone for good");
  }

  private double purged(SimpleMeterRegistry registry) {
    Counter counter =
        registry.find(FlowsMetric.MARKERS_PURGED.metricName()).tag("flow", flow.name()).counter();
    return counter == null ? 0 : counter.count();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
