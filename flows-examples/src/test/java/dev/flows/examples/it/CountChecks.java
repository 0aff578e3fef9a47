package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.postgres.PostgresStateStore;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Inputs and exactly-once checks of a {@link CountFlow} run: record {@code i} has key {@code k<i %
 * keys>} and value {@code v<i>}.
 */
final class CountChecks {
  private final CountFlow count;
  private final TestKafka kafka;
  private final TestPostgres postgres;
  private final int keys;

  CountChecks(CountFlow count, TestKafka kafka, TestPostgres postgres, int keys) {
    this.count = count;
    this.kafka = kafka;
    this.postgres = postgres;
    this.keys = keys;
  }

  /** Creates the topics and the state table, so progress can be queried before the first write. */
  void prepare(int partitions) {
    kafka.createTopic(count.input().name(), partitions);
    kafka.createTopic(count.output().name(), partitions);
    kafka.createTopic(count.name() + ".dlq", 1);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      store.table(count.table());
    }
  }

  /** Produces records {@code from} (inclusive) to {@code to} (exclusive). */
  void produce(int from, int to) {
    List<byte[][]> records = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      records.add(new byte[][] {bytes("k" + (i % keys)), bytes("v" + i)});
    }
    kafka.produce(count.input().name(), records);
  }

  /** The sum of all stored counts: how many records were applied. */
  long appliedSum() {
    return postgres.queryLong(
        "select coalesce(sum(convert_from(state, 'UTF8')::bigint), 0) from " + count.table());
  }

  /** Every key's stored count equals its number of inputs among the first {@code total} records. */
  void assertExactCounts(int total) {
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < total; i++) {
      expected.merge("k" + (i % keys), 1L, Long::sum);
    }
    assertEquals(
        expected.size(), postgres.queryLong("select count(*) from " + count.table()), "rows");
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      long stored =
          postgres.queryLong(
              "select convert_from(state, 'UTF8')::bigint from "
                  + count.table()
                  + " where id = '"
                  + e.getKey()
                  + "'");
      assertEquals(e.getValue(), stored, "count of " + e.getKey() + " (0 lost, 0 doubled)");
    }
  }

  /** Reads the outputs: at least one per input, and every key's counts 1..n each published. */
  List<ConsumerRecord<byte[], byte[]>> assertEveryInputPublished(int total) {
    List<ConsumerRecord<byte[], byte[]>> records =
        kafka.readAll(count.output().name(), total, Duration.ofSeconds(120));
    Set<String> inputsSeen = new HashSet<>();
    Set<String> keyCounts = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      inputsSeen.add(value.substring(value.indexOf(':') + 1));
      keyCounts.add(
          new String(r.key(), StandardCharsets.UTF_8)
              + "#"
              + value.substring(0, value.indexOf(':')));
    }
    for (int i = 0; i < total; i++) {
      if (!inputsSeen.contains("v" + i)) {
        throw new AssertionError(
            "no output for input v" + i + " (" + records.size() + " outputs read)");
      }
    }
    Map<String, Integer> perKey = new HashMap<>();
    for (int i = 0; i < total; i++) {
      String key = "k" + (i % keys);
      int n = perKey.merge(key, 1, Integer::sum);
      if (!keyCounts.contains(key + "#" + n)) {
        throw new AssertionError("count " + n + " of " + key + " was never published");
      }
    }
    return records;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
