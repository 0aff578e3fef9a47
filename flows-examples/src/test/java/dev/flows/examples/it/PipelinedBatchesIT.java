package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FaultyConnector;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Pipelined stateful batches (docs/semantics.md) on the real broker and PostgreSQL: batch N+1 (the
 * record {@code w1}) is applied and its state committed while batch N ({@code w0}) still awaits its
 * acknowledgement, no offset is committed past N meanwhile, and when N never completes or fails
 * both batches' outputs are published again, each record applied once. Batches of one record, one
 * key, one partition.
 */
@FlowsServices
class PipelinedBatchesIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** A count of {@code run}'s words; output {@code <count>:<value>}. */
  private record Count(String run) {
    Topic<String, String> in() {
      return topic("it-" + run + "-words", string(), string());
    }

    Topic<String, String> out() {
      return topic("it-" + run + "-out", string(), string());
    }

    String table() {
      return "it_" + run + "_count";
    }

    Flow flow() {
      return Flows.stateful("it-" + run + "-count", FlowOptions.defaults().withMaxRecords(1))
          .from(in())
          .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table()))
          .apply((key, value, count) -> StateUpdate.set(count + 1, (count + 1) + ":" + value))
          .to(out());
    }

    void prepare(TestKafka kafka) {
      for (Topic<?, ?> t : List.of(in(), out())) {
        kafka.createTopic(t.name(), 1);
      }
      kafka.createTopic(flow().deadLetterTopic(), 1);
      kafka.produce(
          in().name(),
          List.of(new byte[][] {bytes("k"), bytes("w0")}, new byte[][] {bytes("k"), bytes("w1")}));
    }
  }

  @Test
  void shouldCommitTheNextBatchsStateWhileTheFirstIsUnacknowledgedAndPublishBothAfterAStop(
      TestKafka kafka, TestPostgres postgres) {
    Count count = new Count("pipestop");
    count.prepare(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      FaultyConnector dying = FaultyConnector.wrap(plain(kafka)).swallowSends(value("1:w0"));
      try (FlowRuntime first = runtime(count.flow(), dying, store, Duration.ofSeconds(1)).start()) {
        awaitCount(postgres, count.table(), 2); // N+1 applied and committed, N never acknowledged
        assertEquals(
            Map.of(),
            kafka.committedOffsets(count.flow().name(), count.in().name()),
            "no offset committed past the unacknowledged batch");
      } // the drain times out: N is given up, and N+1 with it
      assertEquals(
          Map.of(),
          kafka.committedOffsets(count.flow().name(), count.in().name()),
          "nothing committed after the stop either");

      try (FlowRuntime second =
          runtime(count.flow(), plain(kafka), store, Duration.ofSeconds(10)).start()) {
        awaitCommitted(kafka, count, 2);
      }
    }
    List<String> out = values(kafka, count.out(), 2);
    assertTrue(out.contains("1:w0"), "N's output published again: " + out);
    assertTrue(out.contains("2:w1"), "N+1's output published: " + out);
    assertTrue(out.indexOf("1:w0") < out.lastIndexOf("2:w1"), "N's before N+1's: " + out);
    assertEquals(2, countOf(postgres, count.table()), "each record applied once");
  }

  @Test
  void shouldPublishBothBatchesAgainWhenTheFirstOnesPublishFails(
      TestKafka kafka, TestPostgres postgres) {
    Count count = new Count("pipefail");
    count.prepare(kafka);
    FaultyConnector faults =
        FaultyConnector.wrap(plain(kafka)).failSends(value("1:w0"), 1, () -> {});
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            runtime(count.flow(), faults, store, Duration.ofSeconds(10)).start()) {
      awaitCommitted(kafka, count, 2);
    }
    List<String> out = values(kafka, count.out(), 2);
    assertTrue(out.contains("1:w0"), "N's output published after its failure: " + out);
    assertTrue(out.indexOf("1:w0") < out.lastIndexOf("2:w1"), "N's before N+1's: " + out);
    assertEquals(2, countOf(postgres, count.table()), "each record applied once");
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }

  private static FlowRuntime runtime(
      Flow flow, Connector connector, PostgresStateStore store, Duration drain) {
    return FlowRuntime.builder(flow)
        .connector(connector)
        .stateStore(store)
        .drainTimeout(drain)
        .build();
  }

  private static Predicate<OutgoingRecord> value(String value) {
    return r -> r.value() != null && value.equals(new String(r.value(), StandardCharsets.UTF_8));
  }

  private static void awaitCount(TestPostgres postgres, String table, long count) {
    Awaits.until(
        DEADLINE, "count " + count + " of k in " + table, () -> countOf(postgres, table) >= count);
  }

  private static long countOf(TestPostgres postgres, String table) {
    return postgres.queryLong(
        "SELECT coalesce(max(convert_from(state, 'UTF8')::bigint), 0) FROM "
            + table
            + " WHERE id = 'k'");
  }

  private static void awaitCommitted(TestKafka kafka, Count count, long total) {
    Awaits.until(
        DEADLINE,
        count.flow().name() + " committing " + total + " offsets",
        () ->
            kafka.committedOffsets(count.flow().name(), count.in().name()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum()
                >= total);
  }

  private static List<String> values(TestKafka kafka, Topic<?, ?> topic, int atLeast) {
    return kafka.readAll(topic.name(), atLeast, DEADLINE).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .toList();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
