package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A count per word and one-minute tumbling window (30 s grace) on the real broker and PostgreSQL,
 * fed out-of-order and late records, stopped and restarted between them: each window's last count
 * is exact, and the late records, including one that is late only by the stream time reached before
 * the restart, are in the dead-letter topic. The stream time comes back from the metadata committed
 * with the offset. Emitting on close, each window's one output is its final count, published again
 * only when the flow died before its batch was committed.
 */
@FlowsServices
class WindowedCountIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long S = 1_000;
  private static final long M = 60 * S;
  private static final long BASE = (System.currentTimeMillis() / M - 60) * M;
  private static final StateSpec<Long> COUNT =
      StateSpec.of("it_window_count", Formats.longs(), () -> 0L);

  /** One scenario's topics, table and flow. */
  private record WindowedCount(String name, FlowOptions options, Windows windows) {
    static final Windows MINUTE_GRACE_30S =
        Windows.tumbling(Duration.ofMinutes(1)).withGrace(Duration.ofSeconds(30));

    WindowedCount(String name, FlowOptions options) {
      this(name, options, MINUTE_GRACE_30S);
    }

    /** The count of scenario {@code name} publishing each window's final count, at-least-once. */
    static WindowedCount emittingOnClose(String name) {
      return new WindowedCount(name, FlowOptions.defaults(), MINUTE_GRACE_30S.emitOnClose());
    }

    Topic<String, String> words() {
      return topic("it-window-" + name + "-words", string(), string());
    }

    Topic<Windowed<String>, String> counts() {
      return topic("it-window-" + name + "-counts", Windowed.format(string()), string());
    }

    StateSpec<Long> state() {
      return COUNT.withTable("it_window_" + name);
    }

    Flow flow() {
      return flow("it-window-" + name, options, windows, words(), state(), counts());
    }

    static Flow flow(
        String name,
        FlowOptions options,
        Windows windows,
        Topic<String, String> words,
        StateSpec<Long> state,
        Topic<Windowed<String>, String> counts) {
      return Flows.stateful(name, options)
          .from(words)
          .windowedBy(windows)
          .state(state) // per word and window: id "<word>@<window start>", retention 90 s
          .apply((window, word, count) -> StateUpdate.set(count + 1, word + "=" + (count + 1)))
          .to(counts);
    }

    void prepare(TestKafka kafka, TestPostgres postgres) {
      kafka.createTopic(words().name(), 1);
      kafka.createTopic(counts().name(), 1);
      kafka.createTopic(flow().deadLetterTopic(), 1);
      postgres.execute("DROP TABLE IF EXISTS " + state().table());
    }

    /** Until a restart: window 0 gets an out-of-order record within grace, then a late one. */
    void firstHalf(TestKafka kafka) throws Exception {
      produce(
          kafka,
          List.of(
              word("a", 10),
              word("b", 20),
              word("a", 70), // window 0 and 1
              word("a", 50), // out of order, within grace: stream time 70 s, window 0 open to 90 s
              word("b", 100), // stream time 100 s: window 0 closed
              word("a", 30))); // late
    }

    /** After the restart. */
    void secondHalf(TestKafka kafka) throws Exception {
      produce(
          kafka,
          List.of(
              word("a", 40), // late only by the stream time before the restart
              word("b", 110),
              word("a", 125), // window 1 and 2
              word("a", 80))); // within grace: window 1 open to 150 s
    }

    /** Closes windows 0 and 1 (stream time 200 s). */
    void closing(TestKafka kafka) throws Exception {
      produce(kafka, List.of(word("c", 200)));
    }

    ProducerRecord<byte[], byte[]> word(String word, long second) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      return new ProducerRecord<>(words().name(), 0, BASE + second * S, bytes, bytes);
    }

    FlowRuntime start(Connector connector, PostgresStateStore store) {
      return FlowRuntime.builder(flow())
          .connector(connector)
          .stateStore(store)
          .meterRegistry(new SimpleMeterRegistry())
          .drainTimeout(Duration.ofSeconds(1))
          .build()
          .start();
    }

    void awaitCommitted(TestKafka kafka, long next) {
      Awaits.until(
          DEADLINE,
          "offset " + next + " committed",
          () -> kafka.committedOffsets(flow().name(), words().name()).getOrDefault(0, 0L) >= next);
    }

    /** As the purge of state rows reads it. */
    String committedMetadata(TestKafka kafka) {
      return plain(kafka).committedMetadata(flow().name(), words().name()).get(0);
    }

    /** Each window's last count, as a read_committed reader sees them. */
    Map<String, String> lastCounts(TestKafka kafka) {
      Map<String, String> last = new LinkedHashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(counts().name(), 8, DEADLINE)) {
        Windowed<String> key = counts().keyFormat().decode(r.key());
        assertEquals(key.key() + "=", utf8(r.value()).replaceAll("\\d+$", ""), "keyed by word");
        last.put(key.key() + "@" + (key.start() - BASE) / M, utf8(r.value()));
      }
      return last;
    }

    /** Every output, as word@window=value, in the order read. */
    List<String> outputs(TestKafka kafka, int atLeast) {
      List<String> all = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.readCommitted(counts().name(), atLeast, DEADLINE)) {
        Windowed<String> key = counts().keyFormat().decode(r.key());
        all.add(key.key() + "@" + (key.start() - BASE) / M + "=" + utf8(r.value()));
      }
      return all;
    }

    /** The dead letters, as word@second, each with a reason saying it is late. */
    List<String> deadLetters(TestKafka kafka) {
      List<String> dead = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.readCommitted(flow().deadLetterTopic(), 2, DEADLINE)) {
        String reason = utf8(r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
        assertTrue(reason.contains("late record"), reason);
        assertTrue(reason.contains("grace PT30S"), reason);
        dead.add(utf8(r.key()) + "@" + (r.timestamp() - BASE) / S);
      }
      return dead;
    }
  }

  private static final Map<String, String> EXACT =
      Map.of("a@0", "a=2", "b@0", "b=1", "a@1", "a=2", "b@1", "b=2", "a@2", "a=1");

  @Test
  void shouldCountEachWindowExactlyWhenRecordsComeOutOfOrderLateAndAcrossARestart(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    WindowedCount count = new WindowedCount("restart", FlowOptions.defaults());
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 6);
    }
    assertEquals("flows.stream-time=" + (BASE + 100 * S) + "@6", count.committedMetadata(kafka));

    count.secondHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 10);
    }

    assertEquals(EXACT, count.lastCounts(kafka));
    assertEquals(List.of("a@30", "a@40"), count.deadLetters(kafka));
  }

  @Test
  void shouldDecideAsBeforeWhenTheFlowDiedAfterWritingStateBeforeCommitting(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    WindowedCount count = new WindowedCount("crash", FlowOptions.defaults());
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 6);
    }
    count.secondHalf(kafka);
    FaultyConnector dying = FaultyConnector.wrap(plain(kafka)).swallowSends(value("b=2"));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(dying, store)) {
      Awaits.until(
          DEADLINE, "window 1 of b written", () -> stored(postgres, count, "b@" + (BASE + M)) == 2);
    } // the drain times out: b=2 never published, its batch never committed
    assertEquals(Map.of(0, 6L), kafka.committedOffsets(count.flow().name(), count.words().name()));

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime third = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 10);
    }

    assertEquals(EXACT, count.lastCounts(kafka));
    assertEquals(
        new TreeSet<>(List.of("a@30", "a@40")),
        new TreeSet<>(count.deadLetters(kafka)),
        "late again on replay (dead letters are at-least-once)");
  }

  @Test
  void shouldRestoreStreamTimeFromTheTransactionWhenExactlyOnce(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    WindowedCount count =
        new WindowedCount("eos", FlowOptions.defaults().withGuarantee(Guarantee.EXACTLY_ONCE));
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 6);
    }
    assertEquals("flows.stream-time=" + (BASE + 100 * S) + "@6", count.committedMetadata(kafka));

    count.secondHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 10);
    }

    assertEquals(EXACT, count.lastCounts(kafka));
    assertEquals(List.of("a@30", "a@40"), count.deadLetters(kafka));
  }

  /** The final counts of the windows {@code c@200} closes. */
  private static final List<String> FINALS = List.of("a@0=a=2", "b@0=b=1", "a@1=a=2", "b@1=b=2");

  @Test
  void shouldPublishOnlyEachWindowsFinalCountWhenWindowsEmitOnClose(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    WindowedCount count = WindowedCount.emittingOnClose("final");
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 6);
    }
    count.secondHalf(kafka);
    count.closing(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 11);
    }

    List<String> outputs = count.outputs(kafka, 4);
    assertEquals(FINALS.subList(0, 2), outputs.subList(0, 2), "window 0 closed before the restart");
    assertEquals(new TreeSet<>(FINALS), new TreeSet<>(outputs), "then window 1, once each");
    assertEquals(FINALS.size(), outputs.size());
    assertEquals(List.of("a@30", "a@40"), count.deadLetters(kafka));
  }

  @Test
  void shouldPublishTheFinalCountsAgainWhenTheFlowDiedAfterClosingBeforeCommitting(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    WindowedCount count = WindowedCount.emittingOnClose("finalcrash");
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    count.secondHalf(kafka);
    count.closing(kafka);
    FaultyConnector dying = FaultyConnector.wrap(plain(kafka)).swallowSends(value("b=2"));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(dying, store)) {
      count.outputs(kafka, 3); // window 1 closed: its state written, a=2 out, b=2 swallowed
    } // the drain times out: the closing batch is never committed
    assertTrue(
        kafka.committedOffsets(count.flow().name(), count.words().name()).getOrDefault(0, 0L) < 11,
        "the closing record's batch is not committed");

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 11);
    }

    List<String> outputs = count.outputs(kafka, 5);
    assertEquals(new TreeSet<>(FINALS), new TreeSet<>(outputs), "only final counts, none lost");
    assertEquals(1, outputs.stream().filter("b@1=b=2"::equals).count(), "re-emitted once");
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }

  private static Predicate<OutgoingRecord> value(String value) {
    return r -> r.value() != null && value.equals(utf8(r.value()));
  }

  private static long stored(TestPostgres postgres, WindowedCount count, String id) {
    return postgres.queryLong(
        "SELECT coalesce(max(convert_from(state, 'UTF8')::bigint), 0) FROM "
            + count.state().table()
            + " WHERE id = '"
            + id
            + "'");
  }

  private static void produce(TestKafka kafka, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
