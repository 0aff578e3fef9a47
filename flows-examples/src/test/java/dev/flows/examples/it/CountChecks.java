package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.postgres.PostgresStateStore;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
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
  private static final Duration READ = Duration.ofSeconds(120);

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
    count.inputs().forEach(t -> kafka.createTopic(t.name(), partitions));
    kafka.createTopic(count.output().name(), partitions);
    kafka.createTopic(count.name() + ".dlq", 1);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      store.table(count.table());
    }
  }

  /**
   * Produces records {@code from} (inclusive) to {@code to} (exclusive); a merged count gets the
   * even ones on its first topic and the odd ones on its second, so each key is fed by both.
   */
  void produce(int from, int to) {
    int topics = count.inputs().size();
    for (int t = 0; t < topics; t++) {
      List<byte[][]> records = new ArrayList<>((to - from) / topics + 1);
      for (int i = from; i < to; i++) {
        if (i % topics == t) {
          records.add(new byte[][] {bytes("k" + (i % keys)), bytes("v" + i)});
        }
      }
      kafka.produce(count.inputs().get(t).name(), records);
    }
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
    assertCounts(expected);
  }

  /**
   * After a worker stopped gracefully: the group's committed offsets cover exactly the inputs whose
   * outputs were published, each published once, and every key's stored count is its number of
   * committed inputs. Returns the values of the committed inputs.
   */
  Set<String> assertPublishedExactlyTheCommitted(int total) {
    Map<Integer, Long> committed = kafka.committedOffsets(count.name(), count.input().name());
    Set<String> inputs = new HashSet<>();
    Map<String, Long> perKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(count.input().name(), total, READ)) {
      if (r.offset() < committed.getOrDefault(r.partition(), 0L)) {
        inputs.add(string(r.value()));
        perKey.merge(string(r.key()), 1L, Long::sum);
      }
    }
    List<String> published =
        outputs(inputs.size()).stream().map(o -> o.substring(o.indexOf(':') + 1)).toList();
    assertSame("inputs published (vs committed, " + committed + ")", inputs, published);
    assertCounts(perKey);
    return inputs;
  }

  /**
   * The output holds exactly one {@code <n>:<value>} for each of the first {@code total} inputs:
   * every key's counts 1..n, each once, each for the input it counted.
   */
  void assertEachCountPublishedOnce(int total) {
    Set<String> expected = new HashSet<>();
    Map<String, Integer> perKey = new HashMap<>();
    for (int i = 0; i < total; i++) {
      String key = "k" + (i % keys);
      expected.add(key + "=" + perKey.merge(key, 1, Integer::sum) + ":v" + i);
    }
    assertSame("outputs", expected, outputs(total));
  }

  private void assertCounts(Map<String, Long> expected) {
    assertEquals(
        expected.size(), postgres.queryLong("select count(*) from " + count.table()), "rows");
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertEquals(
          e.getValue(), stored(e.getKey()), "count of " + e.getKey() + " (0 lost, 0 doubled)");
    }
  }

  /** The count stored for {@code key}: how many of its records were applied (0 without a row). */
  long stored(String key) {
    return postgres.queryLong(
        "select coalesce(sum(convert_from(state, 'UTF8')::bigint), 0) from "
            + count.table()
            + " where id = '"
            + key
            + "'");
  }

  /** The output records as {@code <key>=<value>}, reading at least {@code atLeast}. */
  private List<String> outputs(int atLeast) {
    return kafka.readAll(count.output().name(), atLeast, READ).stream()
        .map(r -> string(r.key()) + "=" + string(r.value()))
        .toList();
  }

  /** {@code actual} holds each of {@code expected} exactly once and nothing else. */
  private static void assertSame(String what, Set<String> expected, List<String> actual) {
    Set<String> seen = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (String a : actual) {
      if (!seen.add(a)) {
        twice.add(a);
      }
    }
    List<String> missing = expected.stream().filter(e -> !seen.contains(e)).limit(5).toList();
    List<String> extra = seen.stream().filter(a -> !expected.contains(a)).limit(5).toList();
    if (!twice.isEmpty() || !missing.isEmpty() || !extra.isEmpty()) {
      throw new AssertionError(
          String.format(
              "%s: %d expected, %d read; %d twice e.g. %s, missing e.g. %s, unexpected e.g. %s",
              what,
              expected.size(),
              actual.size(),
              twice.size(),
              twice.subList(0, Math.min(5, twice.size())),
              missing,
              extra));
    }
  }

  /**
   * Reads the outputs without keeping them (for large runs): at least one per input, and every
   * key's counts 1..n each published. Returns how many outputs there were.
   */
  long assertEveryInputPublishedStreaming(int total) {
    BitSet inputsSeen = new BitSet(total);
    Map<String, BitSet> countsSeen = new HashMap<>();
    long read =
        kafka.forEachRecord(
            count.output().name(),
            total,
            Duration.ofMinutes(5),
            r -> {
              String value = string(r.value());
              int colon = value.indexOf(':');
              inputsSeen.set(Integer.parseInt(value.substring(colon + 2)));
              countsSeen
                  .computeIfAbsent(string(r.key()), k -> new BitSet())
                  .set(Integer.parseInt(value.substring(0, colon)));
            });
    int missing = inputsSeen.nextClearBit(0);
    if (missing < total) {
      throw new AssertionError("no output for input v" + missing + " (" + read + " outputs read)");
    }
    Map<String, Integer> perKey = new HashMap<>();
    for (int i = 0; i < total; i++) {
      perKey.merge("k" + (i % keys), 1, Integer::sum);
    }
    perKey.forEach(
        (key, n) -> {
          BitSet seen = countsSeen.getOrDefault(key, new BitSet());
          if (seen.nextClearBit(1) <= n) {
            throw new AssertionError(
                "count " + seen.nextClearBit(1) + " of " + key + " was never published");
          }
        });
    return read;
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

  /**
   * Per key, the counts reached the output in order: each count's first output comes after the
   * first output of the count before it (re-emissions after a crash may repeat counts later). A key
   * lives in one partition, whose order the reader keeps.
   */
  void assertEachKeysCountsFirstPublishedInOrder(List<ConsumerRecord<byte[], byte[]>> outputs) {
    Map<String, Integer> highest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : outputs) {
      String key = string(r.key());
      String value = string(r.value());
      int n = Integer.parseInt(value.substring(0, value.indexOf(':')));
      int before = highest.getOrDefault(key, 0);
      if (n > before + 1) {
        throw new AssertionError(
            "count " + n + " of " + key + " published before count " + (before + 1));
      }
      highest.put(key, Math.max(before, n));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
