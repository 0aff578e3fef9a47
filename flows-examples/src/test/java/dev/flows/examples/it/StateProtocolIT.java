package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Join;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The stateful protocol v2 (docs/semantics.md) on the real broker and PostgreSQL, with faults
 * injected at exact points by {@link FaultyConnector}: a row fed by two merged topics keeps the
 * unpublished outputs of one partition while the other writes it, join envelopes re-sent out of
 * order are applied exactly once, an envelope older than the dedupe window is dead-lettered,
 * records of aborted transactions are never applied, and an older state format is upgraded.
 */
@FlowsServices
class StateProtocolIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** A count over {@code run}'s topics a and b merged; output {@code <count>:<value>}. */
  private record MergedCount(String run) {
    Topic<String, String> a() {
      return topic("it-" + run + "-a", string(), string());
    }

    Topic<String, String> b() {
      return topic("it-" + run + "-b", string(), string());
    }

    Topic<String, String> out() {
      return topic("it-" + run + "-out", string(), string());
    }

    String table() {
      return "it_" + run + "_count";
    }

    Flow flow() {
      return Flows.stateful("it-" + run + "-count")
          .from(a())
          .merge(b())
          .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table()))
          .apply((key, value, count) -> StateUpdate.set(count + 1, (count + 1) + ":" + value))
          .to(out());
    }

    void prepare(TestKafka kafka) {
      for (Topic<?, ?> t : List.of(a(), b(), out())) {
        kafka.createTopic(t.name(), 1);
      }
      kafka.createTopic(flow().deadLetterTopic(), 1);
    }
  }

  @Test
  void shouldPublishTheUnpublishedWriteOfAWhenTheNewOwnerAppliedBFirst(
      TestKafka kafka, TestPostgres postgres) {
    MergedCount count = new MergedCount("crashab");
    count.prepare(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      FaultyConnector dying = faulty(kafka).swallowSends(value("1:a0"));
      produce(kafka, count.a(), "k", "a0");
      try (FlowRuntime first = runtime(count.flow(), dying, store, Duration.ofSeconds(1)).start()) {
        awaitCount(postgres, count.table(), "k", 1); // written, then it "dies" before publishing
      } // the drain times out: nothing published, nothing committed
      produce(kafka, count.b(), "k", "b0");

      FaultyConnector owner = faulty(kafka).hold(count.a().name());
      try (FlowRuntime second =
          runtime(count.flow(), owner, store, Duration.ofSeconds(10)).start()) {
        awaitCount(postgres, count.table(), "k", 2); // b applied before a is read again
        owner.release(count.a().name());
        awaitCommitted(kafka, count.flow(), count.a().name(), 1);
      }
    }
    assertEquals(Set.of("1:a0", "2:b0"), Set.copyOf(values(kafka, count.out(), 2)));
  }

  @Test
  void shouldPublishAFailedPublishOfAWhenBRewroteTheRowBeforeAWasReadAgain(
      TestKafka kafka, TestPostgres postgres) {
    MergedCount count = new MergedCount("rewindab");
    count.prepare(kafka);
    produce(kafka, count.a(), "k", "a0");
    produce(kafka, count.b(), "k", "b0");
    FaultyConnector faults = faulty(kafka).hold(count.b().name());
    faults.failSends(
        value("1:a0"), 1, () -> faults.hold(count.a().name()).release(count.b().name()));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            runtime(count.flow(), faults, store, Duration.ofSeconds(10)).start()) {
      awaitCount(postgres, count.table(), "k", 2); // a's publish failed, a rewound, b applied
      faults.release(count.a().name());
      awaitCommitted(kafka, count.flow(), count.a().name(), 1);
    }
    assertEquals(Set.of("1:a0", "2:b0"), Set.copyOf(values(kafka, count.out(), 2)));
  }

  @Test
  void shouldApplyEachSourceRecordOnceWhenEnvelopesArriveOutOfOrderAndDeadLetterTooOldOnes(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> words = topic("it-order-words", string(), string());
    Topic<String, String> joined = topic("it-order-out", string(), string());
    String intermediate = "it-order-intermediate";
    // batches of 2,500 give a dedupe window of max(10,000, 4 x 2,500) = 10,000 offsets
    Join join =
        Flows.join("it-order-join", FlowOptions.defaults().withMaxRecords(2_500))
            .through(intermediate)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_order_count"))
            .on(words, (k, v) -> k, (k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(joined);
    for (String t : List.of(words.name(), joined.name(), intermediate)) {
      kafka.createTopic(t, 1);
    }
    kafka.createTopic(join.merge().deadLetterTopic(), 1);
    kafka.createTopic(join.apply().deadLetterTopic(), 1);
    produceWords(kafka, words, 0, 150);
    // the merge step's send of w100 fails once: w101.. are written, the batch is rewound and
    // re-sent, so the intermediate topic holds 0..99, 101..149, then 0..149 again
    FaultyConnector merging = faulty(kafka).failSends(containing("w100."), 1, () -> {});
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime apply =
            runtime(join.apply(), plain(kafka), store, Duration.ofSeconds(10)).start()) {
      try (FlowRuntime merge =
          runtime(join.merge(), merging, store, Duration.ofSeconds(10)).start()) {
        awaitCount(postgres, "it_order_count", "k", 150);
        assertTrue(
            indexOf(kafka, intermediate, "w101.") < indexOf(kafka, intermediate, "w100."),
            "the intermediate topic holds w101 before w100");
        produceWords(kafka, words, 150, 10_350);
        awaitCount(postgres, "it_order_count", "k", 10_350);
      }
      kafka.deleteGroups(List.of(join.merge().name())); // the merge step starts over
      try (FlowRuntime merge =
          runtime(join.merge(), plain(kafka), store, Duration.ofSeconds(10)).start()) {
        awaitCommitted(kafka, join.merge(), words.name(), 10_350);
        awaitCommitted(kafka, join.apply(), intermediate, kafka.endOffsetsSum(intermediate));
      }
    }
    assertEquals(10_350, countOf(postgres, "it_order_count", "k"), "each word applied once");
    List<ConsumerRecord<byte[], byte[]>> dead =
        kafka.readAll(join.apply().deadLetterTopic(), 350, DEADLINE);
    assertEquals(350, dead.size(), "w0..w349 are more than 10,000 offsets below w10349");
    assertTrue(
        dead.stream()
            .allMatch(
                r ->
                    header(r, DeadLetterHeaders.ERROR_MESSAGE)
                        .contains("older than the dedupe window")),
        header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
  }

  @Test
  void shouldNeverApplyARecordOfAnAbortedTransaction(TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("aborted");
    CountChecks checks = new CountChecks(count, kafka, postgres, 1);
    checks.prepare(1);
    kafka.produceInTransaction(count.input().name(), pairs("k0", "x1", "k0", "x2"), false);
    kafka.produceInTransaction(count.input().name(), pairs("k0", "v0"), true);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            runtime(count.flow(null), plain(kafka), store, Duration.ofSeconds(10)).start()) {
      awaitCommitted(kafka, count.flow(null), count.input().name(), 4); // v0 is at offset 3
    }
    assertEquals(1, checks.appliedSum(), "only the committed record is counted");
    checks.assertEachCountPublishedOnce(1);
  }

  @Test
  void shouldUpgradeStoredStatesToTheNewFormatWhenARecordReachesThem(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = topic("it-upgrade-in", string(), string());
    Topic<String, String> out = topic("it-upgrade-out", string(), string());
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(out.name(), 1);
    StateSpec<Long> v1 = StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_upgrade");
    StateSpec<String> v2 =
        StateSpec.of("count", string(), () -> "n=0")
            .withTable("it_upgrade")
            .upgradedFrom(v1, n -> "n=" + n);
    Flow first =
        Flows.stateful("it-upgrade-count")
            .from(in)
            .state(v1)
            .apply((k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(out);
    Flow second =
        Flows.stateful("it-upgrade-count")
            .from(in)
            .state(v2)
            .apply(
                (k, v, s) -> {
                  String next = "n=" + (Long.parseLong(s.substring(2)) + 1);
                  return StateUpdate.set(next, next);
                })
            .to(out);
    produce(kafka, in, "k", "a");
    produce(kafka, in, "k", "b");
    produce(kafka, in, "j", "c");
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      try (FlowRuntime runtime =
          runtime(first, plain(kafka), store, Duration.ofSeconds(10)).start()) {
        awaitCommitted(kafka, first, in.name(), 3);
      }
      produce(kafka, in, "k", "d");
      try (FlowRuntime runtime =
          runtime(second, plain(kafka), store, Duration.ofSeconds(10)).start()) {
        awaitCommitted(kafka, second, in.name(), 4);
      }
    }
    assertEquals(List.of("1", "2", "1", "n=3"), values(kafka, out, 4));
    assertEquals(
        1,
        postgres.queryLong(
            "SELECT count(*) FROM it_upgrade WHERE id = 'k' AND state_version = 2"
                + " AND convert_from(state, 'UTF8') = 'n=3'"),
        "k upgraded and written back in the new format");
    assertEquals(
        1,
        postgres.queryLong("SELECT count(*) FROM it_upgrade WHERE id = 'j' AND state_version = 1"),
        "j, which no record reached, keeps its old format");
  }

  @Test
  void shouldPublishEachKeysLastCountPerBatchAndPublishItAgainAfterADeathBeforeCommitting(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = topic("it-latest-in", string(), string());
    Topic<String, String> out = topic("it-latest-out", string(), string());
    Flow flow =
        Flows.stateful("it-latest-count")
            .from(in)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_latest_count"))
            .apply((key, value, count) -> StateUpdate.set(count + 1, key + "=" + (count + 1)))
            .emitLatestPerBatch()
            .to(out);
    for (String t : List.of(in.name(), out.name(), flow.deadLetterTopic())) {
      kafka.createTopic(t, 1);
    }
    List<byte[][]> records = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      records.add(new byte[][] {bytes("k" + i % 10), bytes("v" + i)});
    }
    kafka.produce(in.name(), records);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      FaultyConnector dying = faulty(kafka).swallowSends(value("k0=100"));
      try (FlowRuntime first = runtime(flow, dying, store, Duration.ofSeconds(1)).start()) {
        awaitCount(postgres, "it_latest_count", "k0", 100); // written; k0=100 is never acknowledged
      } // the drain times out: the batch holding k0's last record is not committed
      assertTrue(
          kafka.committedOffsets(flow.name(), in.name()).getOrDefault(0, 0L) < 1_000,
          "the batch of k0=100 was not committed");

      try (FlowRuntime second =
          runtime(flow, plain(kafka), store, Duration.ofSeconds(10)).start()) {
        awaitCommitted(kafka, flow, in.name(), 1_000);
      }
    }
    List<String> outputs = values(kafka, out, 10);
    for (int k = 0; k < 10; k++) {
      String key = "k" + k;
      List<Long> counts =
          outputs.stream()
              .filter(o -> o.startsWith(key + "="))
              .map(o -> Long.parseLong(o.substring(key.length() + 1)))
              .toList();
      assertEquals(100L, counts.get(counts.size() - 1), key + "'s last count: " + counts);
      for (int i = 1; i < counts.size(); i++) {
        assertTrue(counts.get(i) >= counts.get(i - 1), key + "'s counts in order: " + counts);
      }
      assertEquals(100L, countOf(postgres, "it_latest_count", key), key + " applied once each");
    }
    assertTrue(
        outputs.size() < 500,
        "each batch publishes its last count per key, not 1,000 counts: " + outputs.size());
  }

  private static FaultyConnector faulty(TestKafka kafka) {
    return FaultyConnector.wrap(plain(kafka));
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

  private static Predicate<OutgoingRecord> containing(String text) {
    return r ->
        r.value() != null && new String(r.value(), StandardCharsets.ISO_8859_1).contains(text);
  }

  private static void produce(
      TestKafka kafka, Topic<String, String> topic, String key, String value) {
    kafka.produce(topic.name(), pairs(key, value));
  }

  private static void produceWords(TestKafka kafka, Topic<String, String> words, int from, int to) {
    List<byte[][]> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(new byte[][] {bytes("k"), bytes("w" + i + ".")});
    }
    kafka.produce(words.name(), records);
  }

  private static List<byte[][]> pairs(String... keysAndValues) {
    List<byte[][]> pairs = new ArrayList<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      pairs.add(new byte[][] {bytes(keysAndValues[i]), bytes(keysAndValues[i + 1])});
    }
    return pairs;
  }

  private static void awaitCount(TestPostgres postgres, String table, String id, long count) {
    Awaits.until(
        DEADLINE,
        "count " + count + " of " + id + " in " + table,
        () -> countOf(postgres, table, id) >= count);
  }

  private static long countOf(TestPostgres postgres, String table, String id) {
    return postgres.queryLong(
        "SELECT coalesce(max(convert_from(state, 'UTF8')::bigint), 0) FROM "
            + table
            + " WHERE id = '"
            + id
            + "'");
  }

  private static void awaitCommitted(TestKafka kafka, Flow flow, String topic, long total) {
    Awaits.until(
        DEADLINE,
        flow.name() + " committing " + total + " offsets of " + topic,
        () ->
            kafka.committedOffsets(flow.name(), topic).values().stream()
                    .mapToLong(Long::longValue)
                    .sum()
                >= total);
  }

  /** The position of the first record of {@code topic} whose value contains {@code text}. */
  private static int indexOf(TestKafka kafka, String topic, String text) {
    List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(topic, 1, DEADLINE);
    for (int i = 0; i < all.size(); i++) {
      if (new String(all.get(i).value(), StandardCharsets.ISO_8859_1).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no record of " + topic + " contains " + text);
  }

  private static List<String> values(TestKafka kafka, Topic<?, ?> topic, int atLeast) {
    return kafka.readAll(topic.name(), atLeast, DEADLINE).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .collect(Collectors.toList());
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
