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
import dev.flows.KeyValue;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FaultyConnector;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once on the real broker and PostgreSQL, each fault injected at its exact point: a commit
 * whose outcome the flow cannot know, a commit that fails after the state was written, a zombie
 * whose partitions moved while its batch ran, and a record the producer refuses inside a
 * transaction. A {@code read_committed} reader must see every output once.
 */
@FlowsServices
class ExactlyOnceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final FlowOptions EXACTLY_ONCE =
      FlowOptions.defaults().withGuarantee(Guarantee.EXACTLY_ONCE);

  @Test
  void shouldPublishEveryOutputOnceWhenACommitFailsAfterTheBrokerCommittedIt(TestKafka kafka) {
    Topic<String, String> in = topic("it-eos-unknown-in", string(), string());
    Topic<String, String> out = topic("it-eos-unknown-out", string(), string());
    Flow flow =
        Flows.stateless("it-eos-unknown-map", EXACTLY_ONCE)
            .from(in)
            .mapValues(v -> v + "!")
            .to(out);
    prepare(kafka, flow, in, out);
    FaultyConnector connector =
        FaultyConnector.wrap(KafkaConnector.create(kafka.bootstrapServers())).failCommits(1, true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FlowRuntime runtime =
        FlowRuntime.builder(flow).connector(connector).meterRegistry(registry).build().start()) {
      kafka.produce(in.name(), records("k", 100));
      Awaits.until(
          DEADLINE,
          "every record committed",
          () -> committed(kafka, flow, in) >= 100 && retried(registry) >= 1);
    }
    assertEquals(expected(100, "!"), values(kafka.readCommitted(out.name(), 100, DEADLINE)));
  }

  @Test
  void shouldReEmitTheStoredOutputsInANewTransactionWhenTheCommitFailsAfterTheStateWasWritten(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = topic("it-eos-state-in", string(), string());
    Topic<String, String> out = topic("it-eos-state-out", string(), string());
    Flow flow =
        Flows.stateful("it-eos-state-count", EXACTLY_ONCE)
            .from(in)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_eos_count"))
            .apply((key, value, n) -> StateUpdate.set(n + 1, (n + 1) + ":" + value))
            .to(out);
    prepare(kafka, flow, in, out);
    FaultyConnector connector =
        FaultyConnector.wrap(KafkaConnector.create(kafka.bootstrapServers())).failCommits(2, false);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(flow)
                .connector(connector)
                .stateStore(store)
                .meterRegistry(registry)
                .build()
                .start()) {
      kafka.produce(in.name(), records("k", 50));
      Awaits.until(
          DEADLINE,
          "every record committed after two failed commits",
          () -> committed(kafka, flow, in) >= 50 && retried(registry) >= 2);
    }
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      counts.add((i + 1) + ":v" + i);
    }
    assertEquals(counts, values(kafka.readCommitted(out.name(), 50, DEADLINE)));
    assertEquals(
        50, postgres.queryLong("SELECT convert_from(state, 'UTF8')::bigint FROM it_eos_count"));
    assertTrue(
        kafka.readAll(out.name(), 50, DEADLINE).size() > 50,
        "the aborted transactions did write outputs, which read_committed readers never see");
  }

  @Test
  void shouldNeverCommitTheTransactionOfAZombieWhosePartitionsMovedWhileItsBatchRan(TestKafka kafka)
      throws Exception {
    Topic<String, String> in = topic("it-eos-zombie-in", string(), string());
    Topic<String, String> out = topic("it-eos-zombie-out", string(), string());
    CountDownLatch zombieHeld = new CountDownLatch(1);
    CountDownLatch releaseZombie = new CountDownLatch(1);
    Flow zombieFlow = zombieMap(in, out, zombieHeld, releaseZombie);
    Flow survivorFlow = zombieMap(in, out, new CountDownLatch(1), new CountDownLatch(0));
    prepare(kafka, zombieFlow, in, out);
    FaultyConnector zombieConnector =
        FaultyConnector.wrap(
            KafkaConnector.create(kafka.bootstrapServers())
                .withProperty("max.poll.interval.ms", 3_000));
    try (FlowRuntime zombie =
        FlowRuntime.builder(zombieFlow).connector(zombieConnector).build().start()) {
      try {
        kafka.produce(in.name(), records("k", 1));
        assertTrue(zombieHeld.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        zombieConnector.stallPolls(); // frozen: misses max.poll.interval.ms and leaves the group
        try (FlowRuntime survivor =
            FlowRuntime.builder(survivorFlow)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .build()
                .start()) {
          assertEquals(
              List.of("v0!"),
              values(kafka.readCommitted(out.name(), 1, DEADLINE)),
              "the survivor's output");
          releaseZombie.countDown(); // the zombie's batch publishes and tries to commit
          Awaits.until(
              DEADLINE, // its output and abort marker, after the survivor's output and marker
              "the zombie's transaction ended",
              () -> kafka.endOffsetsSum(out.name()) >= 4);
          assertEquals(
              List.of("v0!"),
              values(kafka.readCommitted(out.name(), 1, DEADLINE)),
              "the zombie's output never became visible");
          assertEquals(
              2, kafka.readAll(out.name(), 2, DEADLINE).size(), "it was written, then aborted");
        }
      } finally {
        releaseZombie.countDown();
        zombieConnector.resumePolls(); // lets its loop stop
      }
    }
  }

  @Test
  void shouldDeadLetterARecordTheProducerRefusesAndPublishTheRestOfItsBatchOnce(TestKafka kafka) {
    Topic<String, String> in = topic("it-eos-refused-in", string(), string());
    Topic<String, String> out = topic("it-eos-refused-out", string(), string());
    Flow flow =
        Flows.stateless("it-eos-refused-map", EXACTLY_ONCE)
            .from(in)
            .mapValues(v -> v.equals("v5") ? "x".repeat(5_000) : v + "!")
            .to(out);
    prepare(kafka, flow, in, out);
    KafkaConnector connector =
        KafkaConnector.create(kafka.bootstrapServers()).withProperty("max.request.size", 2_000);
    try (FlowRuntime runtime = FlowRuntime.builder(flow).connector(connector).build().start()) {
      kafka.produce(in.name(), records("k", 10));
      Awaits.until(DEADLINE, "every record committed", () -> committed(kafka, flow, in) >= 10);
    }
    List<String> published = new ArrayList<>(expected(10, "!"));
    published.remove("v5!");
    assertEquals(published, values(kafka.readCommitted(out.name(), 9, DEADLINE)));
    List<ConsumerRecord<byte[], byte[]>> dead =
        kafka.readCommitted(flow.deadLetterTopic(), 1, DEADLINE);
    assertEquals(List.of("v5"), values(dead), "the refused record, dead-lettered once");
    assertEquals(
        "publish", text(dead.get(0).headers().lastHeader(DeadLetterHeaders.ERROR_STAGE).value()));
  }

  private static Flow zombieMap(
      Topic<String, String> in,
      Topic<String, String> out,
      CountDownLatch held,
      CountDownLatch release) {
    return Flows.stateless("it-eos-zombie-map", EXACTLY_ONCE)
        .from(in)
        .map(
            (key, value) -> {
              held.countDown();
              awaitQuietly(release);
              return KeyValue.of(key, value + "!");
            })
        .to(out);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void prepare(TestKafka kafka, Flow flow, Topic<?, ?> in, Topic<?, ?> out) {
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(out.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
  }

  private static long committed(TestKafka kafka, Flow flow, Topic<?, ?> in) {
    return kafka.committedOffsets(flow.name(), in.name()).getOrDefault(0, 0L);
  }

  private static double retried(SimpleMeterRegistry registry) {
    var counter = registry.find("flows.batch.retries").counter();
    return counter == null ? 0 : counter.count();
  }

  private static List<byte[][]> records(String key, int count) {
    List<byte[][]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(new byte[][] {bytes(key), bytes("v" + i)});
    }
    return records;
  }

  private static List<String> expected(int count, String suffix) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add("v" + i + suffix);
    }
    return values;
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> text(r.value())).toList();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
