package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A count per word and one-minute window (30 s grace) emitting on close, on the real broker and
 * PostgreSQL, whose word {@code a} is on both partitions of its topic (as after partitions were
 * added, or with a producer partitioning otherwise): its window closes when the stream times of
 * both passed it, across a restart while it waits, with every record of both counted and one final
 * count published; or, the second partition silent, once the first passed it by a slow-partition
 * wait, and a record of the second for it is then dead-lettered as late. A count per word and
 * session (10 s gap) likewise closes a session once both partitions passed it.
 */
@FlowsServices
class SlowPartitionWindowIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long S = 1_000;
  private static final long M = 60 * S;
  private static final long BASE = (System.currentTimeMillis() / M - 60) * M;
  private static final StateSpec<Long> COUNT =
      StateSpec.of("it_slow_count", Formats.longs(), () -> 0L);

  /**
   * A count per session, or per window waiting at most {@code slowPartitionWait} (null: no limit).
   */
  private record Scenario(String name, boolean sessions, Duration slowPartitionWait) {
    Scenario(String name) {
      this(name, false, null);
    }

    Topic<String, String> words() {
      return topic("it-slow-" + name + "-words", string(), string());
    }

    Topic<Windowed<String>, String> counts() {
      return topic("it-slow-" + name + "-counts", Windowed.format(string()), string());
    }

    StateSpec<Long> state() {
      return COUNT.withTable("it_slow_" + name);
    }

    Flow flow() {
      if (sessions) {
        return Flows.stateful("it-slow-" + name)
            .from(words())
            .windowedBy(SessionWindows.withGap(Duration.ofSeconds(10)).emitOnClose())
            .state(state(), (word, earlier, later) -> earlier + later)
            .apply((session, word, count) -> StateUpdate.set(count + 1, word + "=" + (count + 1)))
            .to(counts());
      }
      return Flows.stateful("it-slow-" + name)
          .from(words())
          .windowedBy(
              Windows.tumbling(Duration.ofMinutes(1))
                  .withGrace(Duration.ofSeconds(30))
                  .emitOnClose()
                  .withSlowPartitionWait(slowPartitionWait))
          .state(state())
          .apply((window, word, count) -> StateUpdate.set(count + 1, word + "=" + (count + 1)))
          .to(counts());
    }

    void prepare(TestKafka kafka, TestPostgres postgres) {
      kafka.createTopic(words().name(), 2);
      kafka.createTopic(counts().name(), 1);
      kafka.createTopic(flow().deadLetterTopic(), 1);
      postgres.execute("DROP TABLE IF EXISTS " + state().table());
    }

    FlowRuntime start(TestKafka kafka, PostgresStateStore store) {
      return FlowRuntime.builder(flow())
          .connector(KafkaConnector.create(kafka.bootstrapServers()))
          .stateStore(store)
          .meterRegistry(new SimpleMeterRegistry())
          .build()
          .start();
    }

    /** {@code word} at {@code second} past the base on {@code partition}. */
    void produce(TestKafka kafka, int partition, String word, long second) throws Exception {
      Properties props = kafka.clientProperties();
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        producer
            .send(new ProducerRecord<>(words().name(), partition, BASE + second * S, bytes, bytes))
            .get(30, TimeUnit.SECONDS);
      }
    }

    void awaitCommitted(TestKafka kafka, int partition, long next) {
      Awaits.until(
          DEADLINE,
          "offset " + next + " of partition " + partition + " committed",
          () ->
              kafka.committedOffsets(flow().name(), words().name()).getOrDefault(partition, 0L)
                  >= next);
    }

    /** Every count published, as word@window=value (all of them: the batches are committed). */
    List<String> outputs(TestKafka kafka, int atLeast) {
      List<String> all = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(counts().name(), atLeast, DEADLINE)) {
        Windowed<String> key = counts().keyFormat().decode(r.key());
        all.add(key.key() + "@" + (key.start() - BASE) / M + "=" + utf8(r.value()));
      }
      return all;
    }
  }

  @Test
  void shouldPublishOneFinalCountOnceBothPartitionsPassedTheWindowAcrossARestart(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Scenario scenario = new Scenario("both");
    scenario.prepare(kafka, postgres);
    scenario.produce(kafka, 0, "a", 10);
    scenario.produce(kafka, 1, "a", 20);
    scenario.produce(kafka, 0, "a", 30);
    scenario.produce(kafka, 0, "x", 95); // partition 0 passes window 0 (closing at 90 s)
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 0, 3);
      scenario.awaitCommitted(kafka, 1, 1);
    }
    scenario.produce(kafka, 1, "a", 50); // partition 1 is at 20 s: not late, counted
    scenario.produce(kafka, 1, "y", 91); // partition 1 passes window 0 too
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 1, 3);
    }

    assertEquals(List.of("a@0=a=4"), scenario.outputs(kafka, 1), "one final count, every record");
  }

  @Test
  void shouldCloseWithoutASilentPartitionOnceTheWaitPassedAndDeadLetterItsLateRecord(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Scenario scenario = new Scenario("silent", false, Duration.ofMinutes(1));
    scenario.prepare(kafka, postgres);
    scenario.produce(kafka, 0, "a", 10);
    scenario.produce(kafka, 1, "a", 20);
    scenario.produce(kafka, 0, "x", 95); // passes window 0; partition 1 falls silent
    scenario.produce(kafka, 0, "x", 150); // the wait (a minute) ends at 90 + 60 s
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 0, 3);
      scenario.awaitCommitted(kafka, 1, 1);
      scenario.produce(kafka, 0, "z", 151); // a later batch's record ends the wait
      scenario.awaitCommitted(kafka, 0, 4);
      scenario.produce(
          kafka, 1, "a", 40); // partition 1 is at 20 s: late only for the closed window
      scenario.awaitCommitted(kafka, 1, 2);
    }

    assertEquals(List.of("x@1=x=1", "a@0=a=2"), scenario.outputs(kafka, 2));
    List<ConsumerRecord<byte[], byte[]>> dead =
        kafka.readAll(scenario.flow().deadLetterTopic(), 1, DEADLINE);
    assertEquals(1, dead.size());
    String reason = utf8(dead.get(0).headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
    assertTrue(reason.contains("late record: window a@" + BASE + " closed"), reason);
  }

  @Test
  void shouldPublishOneFinalSessionCountOnceBothPartitionsPassedItAcrossARestart(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Scenario scenario = new Scenario("sessions", true, null);
    scenario.prepare(kafka, postgres);
    scenario.produce(kafka, 0, "a", 100);
    scenario.produce(kafka, 1, "a", 103);
    scenario.produce(kafka, 0, "x", 120); // partition 0 passes a's session (closing at 113 s)
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 0, 2);
      scenario.awaitCommitted(kafka, 1, 1);
    }
    scenario.produce(kafka, 1, "a", 108); // partition 1 is at 103 s: joins the session
    scenario.produce(kafka, 1, "y", 119); // partition 1 passes it (now closing at 118 s)
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 1, 3);
    }

    assertEquals(List.of("a@1=a=3"), scenario.outputs(kafka, 1), "one final count, every record");
  }

  /**
   * A flow catching up: 40,000 records of seven words over 4,000 s of event time, each word on both
   * partitions, read after all were written. The consumer returns one partition's fetch (thousands
   * of records) before the other's; taken in that order, windows every record of one partition had
   * passed would close before the other's records reached them, and those would be dead-lettered as
   * late. In event-time order, none is, and the final counts add up to the input.
   */
  @Test
  void shouldCloseEachWindowWithBothPartitionsRecordsWhenCatchingUp(
      TestKafka kafka, TestPostgres postgres) {
    Scenario scenario = new Scenario("catchup");
    scenario.prepare(kafka, postgres);
    int total = 40_000;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(total + 2);
    for (int i = 0; i < total; i++) {
      byte[] word = ("w" + i % 7).getBytes(StandardCharsets.UTF_8); // each word on both
      records.add(
          new ProducerRecord<>(scenario.words().name(), i % 2, BASE + i * 100L, word, word));
    }
    for (int p = 0; p < 2; p++) { // both partitions pass every window
      byte[] end = "end".getBytes(StandardCharsets.UTF_8);
      records.add(
          new ProducerRecord<>(scenario.words().name(), p, BASE + total * 100L + 2 * M, end, end));
    }
    kafka.produce(records);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime = scenario.start(kafka, store)) {
      scenario.awaitCommitted(kafka, 0, total / 2 + 1);
      scenario.awaitCommitted(kafka, 1, total / 2 + 1);
    }

    assertEquals(0, kafka.endOffsetsSum(scenario.flow().deadLetterTopic()), "nothing late");
    long counted = 0;
    for (String output : scenario.outputs(kafka, 1)) {
      counted += Long.parseLong(output.substring(output.lastIndexOf('=') + 1));
    }
    assertEquals(total, counted, "every record in its window's final count");
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
