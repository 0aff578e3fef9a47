package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flow;
import dev.flows.Join;
import dev.flows.StateSpec;
import dev.flows.Topic;
import dev.flows.examples.WordJoin;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example join on the real broker and PostgreSQL, with its merge step replayed from the
 * earliest offset while the stateful step runs: every source record lands on the intermediate topic
 * again, and the joined state still counts each word exactly once (docs/semantics.md, Join).
 */
@FlowsServices
class JoinReplayIT {
  private static final Logger LOG = LoggerFactory.getLogger(JoinReplayIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int KEYS = 40;
  private static final int WORDS = 20_000;

  private final Topic<String, String> words = topic("it-join-word", string(), string());
  private final Topic<String, String> types = topic("it-join-type", string(), string());
  private final Topic<String, String> joined = topic("it-join-out", string(), string());
  private final String intermediate = "it-join-intermediate";
  private final StateSpec<WordJoin.JoinedWord> state = WordJoin.STATE.withTable("it_join_state");
  private final Join join =
      WordJoin.join("it-join-words", words, types, intermediate, joined, state);

  @Test
  void shouldCountEachWordOnceWhenTheMergeStepIsReplayedFromEarliestMidStream(
      TestKafka kafka, TestPostgres postgres) {
    for (String name : List.of(words.name(), types.name(), intermediate, joined.name())) {
      kafka.createTopic(name, 6);
    }
    kafka.createTopic(join.merge().deadLetterTopic(), 1);
    kafka.createTopic(join.apply().deadLetterTopic(), 1);
    produceTypes(kafka);
    produceWords(kafka, 0, WORDS / 2);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime apply = runtime(join.apply(), kafka, store).start()) {
      try (FlowRuntime merge = runtime(join.merge(), kafka, store).start()) {
        awaitCommitted(kafka, join.merge(), words.name(), WORDS / 2);
      }
      kafka.deleteGroups(
          List.of(join.merge().name())); // the merge step starts over: every record is merged again
      produceWords(kafka, WORDS / 2, WORDS);
      try (FlowRuntime merge = runtime(join.merge(), kafka, store).start()) {
        awaitCommitted(kafka, join.merge(), words.name(), WORDS);
        long merged = kafka.endOffsetsSum(intermediate);
        awaitCommitted(kafka, join.apply(), intermediate, merged);
        LOG.info(
            "the intermediate topic holds {} envelopes for {} source records",
            merged,
            WORDS + KEYS);
        assertEquals(
            WORDS / 2 + KEYS + WORDS + KEYS,
            merged,
            "the replay merged the first half and the types again");
      }
    }
    assertExactlyOnceState(postgres);
    assertEveryCountPublished(kafka);
  }

  private void assertExactlyOnceState(TestPostgres postgres) {
    String table = state.table();
    assertEquals(KEYS, postgres.queryLong("SELECT count(*) FROM " + table));
    String json = "convert_from(state, 'UTF8')::jsonb";
    assertEquals(
        KEYS,
        postgres.queryLong(
            "SELECT count(*) FROM "
                + table
                + " WHERE ("
                + json
                + "->>'count')::bigint = "
                + WORDS / KEYS),
        "every word counted exactly " + WORDS / KEYS + " times (0 lost, 0 doubled)");
    assertEquals(
        KEYS,
        postgres.queryLong(
            "SELECT count(*) FROM "
                + table
                + " WHERE "
                + json
                + "->>'description' = 'type-' || id"));
  }

  /**
   * At least once: every key's counts 1..n were each published (a word merged before its type says
   * "unknown").
   */
  private void assertEveryCountPublished(TestKafka kafka) {
    Set<String> published = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(joined.name(), WORDS, DEADLINE)) {
      String value = text(r.value());
      published.add(text(r.key()) + "=" + value.substring(0, value.indexOf(' ')));
    }
    for (int k = 0; k < KEYS; k++) {
      for (int n = 1; n <= WORDS / KEYS; n++) {
        if (!published.contains("k" + k + "=" + n)) {
          throw new AssertionError("count " + n + " of k" + k + " was never published");
        }
      }
    }
  }

  private void produceTypes(TestKafka kafka) {
    List<byte[][]> records = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      records.add(new byte[][] {bytes("k" + k), bytes("type-k" + k)});
    }
    kafka.produce(types.name(), records);
  }

  private void produceWords(TestKafka kafka, int from, int to) {
    List<byte[][]> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(new byte[][] {bytes("k" + (i % KEYS)), bytes("w" + i)});
    }
    kafka.produce(words.name(), records);
  }

  private static void awaitCommitted(TestKafka kafka, Flow flow, String topic, long total) {
    Awaits.until(
        DEADLINE,
        flow.name() + " committing " + total + " records of " + topic,
        () ->
            kafka.committedOffsets(flow.name(), topic).values().stream()
                    .mapToLong(Long::longValue)
                    .sum()
                >= total);
  }

  private static FlowRuntime runtime(Flow flow, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store)
        .build();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
