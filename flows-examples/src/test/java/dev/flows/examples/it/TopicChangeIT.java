package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * A stateful flow's stored offsets only mean something for the topic they were read from: when its
 * input topic gains partitions, or is deleted and created again, the flow stops before applying any
 * record of the changed topic, with a message naming the topic, the old and new shape and the
 * statement that accepts the change; once accepted, every record is applied exactly once.
 */
@FlowsServices
class TopicChangeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Pattern ACCEPT =
      Pattern.compile("UPDATE flows_topics SET .*? WHERE flow = '[^']+' AND topic = '[^']+'");

  @Test
  void shouldStopBeforeApplyingAnythingWhenTheInputTopicGainsPartitions(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("grown");
    CountChecks checks = new CountChecks(count, kafka, postgres, 20);
    checks.prepare(2);
    checks.produce(0, 100);
    Flow flow = count.flow(null);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      String failure;
      try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
        Awaits.until(DEADLINE, "100 records applied", () -> checks.appliedSum() >= 100);
        kafka.addPartitions(count.input().name(), 4);
        checks.produce(100, 200);
        failure = awaitFailure(runtime);
      }
      assertTrue(
          failure.contains("topic " + count.input().name() + " has 4 partitions, 2 when this flow"),
          failure);
      // Records of keys that stayed in partitions 0 and 1 may be applied or not, as fetched before
      // the flow saw the change or not; none of a key that moved to partition 2 or 3.
      for (int k = 0; k < 20; k++) {
        String key = "k" + k;
        long stored = checks.stored(key);
        if (moved(key)) {
          assertEquals(5, stored, key + " moved: nothing of it applied after the change");
        } else {
          assertTrue(stored >= 5 && stored <= 10, key + " stayed: " + stored + " applied");
        }
      }

      postgres.execute(acceptStatement(failure));
      try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
        Awaits.until(DEADLINE, "every record applied", () -> checks.appliedSum() >= 200);
      }
    }
    checks.assertExactCounts(200);
    checks.assertEveryInputPublished(200);
  }

  @Test
  void shouldStopBeforeApplyingAnythingWhenTheInputTopicIsRecreated(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("recreated");
    CountChecks checks = new CountChecks(count, kafka, postgres, 20);
    checks.prepare(2);
    checks.produce(0, 100);
    Flow flow = count.flow(null);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      String failure;
      try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
        Awaits.until(DEADLINE, "100 records applied", () -> checks.appliedSum() >= 100);
        kafka.deleteTopic(count.input().name());
        kafka.createTopic(count.input().name(), 2);
        checks.produce(100, 150);
        failure = awaitFailure(runtime);
      }
      assertTrue(
          failure.contains("topic " + count.input().name() + " was deleted and created again"),
          failure);
      assertEquals(100, checks.appliedSum(), "nothing applied after the change");

      postgres.execute(acceptStatement(failure));
      try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
        Awaits.until(DEADLINE, "every new record applied", () -> checks.appliedSum() >= 150);
      }
    }
    checks.assertExactCounts(150);
  }

  @Test
  void shouldStopAMaterialiseFlowWhenItsTopicIsRecreatedAndApplyTheNewTopicOnceAccepted(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = Topic.topic("it-matchange-in", Formats.string(), Formats.string());
    TableSpec table =
        TableSpec.of("it_matchange", Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    Flow flow =
        Flows.materialise("it-matchange-table")
            .from(in)
            .into(table, (word, count) -> Row.of("count", Long.parseLong(count)));
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    kafka.produce(in.name(), List.<byte[][]>of(pair("a", "1"), pair("b", "2")));
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      String failure;
      try (FlowRuntime runtime = materialise(flow, kafka, sink).start()) {
        Awaits.until(DEADLINE, "both rows", () -> countOf(postgres, "b") == 2);
        kafka.deleteTopic(in.name());
        kafka.createTopic(in.name(), 1);
        kafka.produce(in.name(), List.<byte[][]>of(pair("a", "5")));
        failure = awaitFailure(runtime);
      }
      assertTrue(failure.contains("topic it-matchange-in was deleted and created again"), failure);
      assertEquals(1, countOf(postgres, "a"), "nothing applied after the change");
      postgres.execute(acceptStatement(failure)); // the rows' generation tells the new topic apart
      try (FlowRuntime runtime = materialise(flow, kafka, sink).start()) {
        Awaits.until(DEADLINE, "the new topic's record", () -> countOf(postgres, "a") == 5);
      }
    }
  }

  @Test
  void shouldStopAMaterialiseFlowWhenItsTopicGainsPartitions(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = Topic.topic("it-matgrow-in", Formats.string(), Formats.string());
    TableSpec table =
        TableSpec.of("it_matgrow", Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    Flow flow =
        Flows.materialise("it-matgrow-table")
            .from(in)
            .into(table, (word, count) -> Row.of("count", Long.parseLong(count)));
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    kafka.produce(in.name(), List.<byte[][]>of(pair("a", "1")));
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      String failure;
      try (FlowRuntime runtime =
          FlowRuntime.builder(flow)
              .connector(
                  KafkaConnector.create(kafka.bootstrapServers())
                      .withProperty("metadata.max.age.ms", 500))
              .tableSink(sink)
              .build()
              .start()) {
        Awaits.until(
            DEADLINE,
            "the first row",
            () -> postgres.queryLong("SELECT count(*) FROM it_matgrow WHERE word = 'a'") == 1);
        kafka.addPartitions(in.name(), 3);
        kafka.produce(
            in.name(),
            IntStream.range(0, 20).mapToObj(i -> pair("k" + i, "2")).toList()); // some in 1, 2
        failure = awaitFailure(runtime);
      }
      assertTrue(
          failure.contains("topic it-matgrow-in has 3 partitions, 1 when this flow first read it"),
          failure);
      assertTrue(failure.contains("UPDATE flows_topics SET partitions = 3"), failure);
    }
  }

  private static long countOf(TestPostgres postgres, String word) {
    return postgres.queryLong(
        "SELECT coalesce(max(count), 0) FROM it_matchange WHERE word = '" + word + "'");
  }

  private static byte[][] pair(String key, String value) {
    return new byte[][] {CountChecks.bytes(key), CountChecks.bytes(value)};
  }

  private static FlowRuntime materialise(Flow flow, TestKafka kafka, PostgresTableSink sink) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .tableSink(sink)
        .build();
  }

  @Test
  void shouldCountRecordsDeletedBeforeTheyWereReadAndGoOnFromTheEarliestLeft(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("retained");
    CountChecks checks = new CountChecks(count, kafka, postgres, 10);
    checks.prepare(1);
    checks.produce(0, 100);
    Flow flow = count.flow(null);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
        Awaits.until(
            DEADLINE,
            "100 records committed",
            () ->
                kafka.committedOffsets(flow.name(), count.input().name()).getOrDefault(0, 0L)
                    >= 100);
      }
      checks.produce(100, 200);
      kafka.deleteRecordsBefore(count.input().name(), 150); // retention, while the flow is down
      try (FlowRuntime runtime =
          FlowRuntime.builder(flow)
              .connector(KafkaConnector.create(kafka.bootstrapServers()))
              .stateStore(store)
              .meterRegistry(registry)
              .build()
              .start()) {
        Awaits.until(DEADLINE, "the records left applied", () -> checks.appliedSum() >= 150);
      }
    }
    assertEquals(150, checks.appliedSum(), "0..99, then 150..199: 100..149 were deleted unread");
    assertEquals(
        50.0,
        registry.get("flows.records.unread").tag("topic", count.input().name()).counter().count(),
        "the deleted records are counted, not silently skipped");
  }

  /**
   * How many of records {@code from..to} (key {@code k<i % 20>}) the default partitioner puts into
   * partitions 0 and 1 of 4: the keys that hash to the same partition as with 2.
   */
  /** Whether {@code key} moved when its topic went from 2 to 4 partitions (to partition 2 or 3). */
  private static boolean moved(String key) {
    return Utils.toPositive(Utils.murmur2(CountChecks.bytes(key))) % 4 >= 2;
  }

  private static String awaitFailure(FlowRuntime runtime) {
    Awaits.until(
        DEADLINE,
        "the flow to stop on the topic change",
        () -> runtime.status().stream().anyMatch(s -> s.failure() != null));
    return runtime.status().stream()
        .map(FlowStatus::failure)
        .filter(f -> f != null)
        .findFirst()
        .orElseThrow();
  }

  private static String acceptStatement(String failure) {
    Matcher matcher = ACCEPT.matcher(failure);
    assertTrue(matcher.find(), "the message names the statement that accepts it: " + failure);
    return matcher.group();
  }

  private static FlowRuntime runtime(Flow flow, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(flow)
        .connector(
            KafkaConnector.create(kafka.bootstrapServers())
                .withProperty("metadata.max.age.ms", 500)) // notice new partitions at once
        .stateStore(store)
        .build();
  }
}
