package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;
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
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FaultyConnector;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Failure classes and cancellation on the real broker and PostgreSQL: a dependency down for a while
 * dead-letters nothing and the flow is not ready meanwhile; a permanent failure is dead-lettered at
 * the first try; a batch given up at a revoke's drain timeout takes no effect when its user code
 * comes back, and the key's next batch runs after it.
 */
@FlowsServices
class FailureHandlingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @Test
  void shouldDeadLetterNothingAndReportNotReadyWhileADependencyIsDownThenCountEveryRecord(
      TestKafka kafka, TestPostgres postgres) {
    Topic<String, String> in = topic("it-outage-in", string(), string());
    Topic<String, String> out = topic("it-outage-out", string(), string());
    AtomicBoolean down = new AtomicBoolean(true);
    ErrorPolicy policy =
        ErrorPolicy.defaults()
            .withFailureClass(ConnectException.class, FailureClass.TRANSIENT)
            .withFailureClass(IllegalArgumentException.class, FailureClass.PERMANENT);
    Flow flow =
        Flows.stateful("it-outage-count", FlowOptions.defaults().withErrorPolicy(policy))
            .from(in)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_outage_count"))
            .apply(
                (key, value, n) -> {
                  if (value.equals("fatal")) {
                    throw new IllegalArgumentException("a value no retry can fix");
                  }
                  if (down.get()) {
                    throw new ConnectException("pricing service refused the connection");
                  }
                  return StateUpdate.set(n + 1, Long.toString(n + 1));
                })
            .to(out);
    prepare(kafka, flow, in, out);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(flow)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .meterRegistry(registry)
                .build()
                .start()) {
      kafka.produce(in.name(), records("k", 100));
      Awaits.until(
          DEADLINE,
          "five batch retries during the outage",
          () -> counter(registry, "flows.failures", "class", "transient") >= 5);
      assertFalse(runtime.isReady(), "not ready while the dependency is down");
      down.set(false);
      Awaits.until(DEADLINE, "the flow ready again", runtime::isReady);
      kafka.produce(in.name(), List.<byte[][]>of(pair("j", "fatal")));
      Awaits.until(
          DEADLINE,
          "every record handled",
          () -> kafka.committedOffsets(flow.name(), in.name()).getOrDefault(0, 0L) >= 101);
    }
    assertEquals(
        100, postgres.queryLong("SELECT convert_from(state, 'UTF8')::bigint FROM it_outage_count"));
    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(flow.deadLetterTopic(), 1, DEADLINE);
    assertEquals(1, dead.size(), "only the permanent failure, none of the outage's records");
    assertEquals("fatal", text(dead.get(0).value()));
    assertEquals("1", header(dead.get(0), DeadLetterHeaders.ATTEMPTS), "dead-lettered at once");
    assertEquals("permanent", header(dead.get(0), DeadLetterHeaders.FAILURE_CLASS));
  }

  @Test
  void shouldTakeNoEffectOfABatchGivenUpAtTheDrainTimeoutWhenItsUserCodeComesBack(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Topic<String, String> in = topic("it-cancel-in", string(), string());
    Topic<String, String> out = topic("it-cancel-out", string(), string());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    List<long[]> calls = new CopyOnWriteArrayList<>();
    Flow flow =
        Flows.stateful("it-cancel-count")
            .from(in)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable("it_cancel_count"))
            .apply(
                (key, value, n) -> {
                  long start = System.nanoTime();
                  held.countDown();
                  awaitIgnoringInterrupts(release); // user code that does not stop when asked
                  calls.add(new long[] {start, System.nanoTime()});
                  return StateUpdate.set(n + 1, (n + 1) + ":" + value);
                })
            .to(out);
    prepare(kafka, flow, in, out);
    FaultyConnector connector =
        FaultyConnector.wrap(KafkaConnector.create(kafka.bootstrapServers()));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(flow)
                .connector(connector)
                .stateStore(store)
                .drainTimeout(Duration.ofMillis(500))
                .build()
                .start()) {
      kafka.produce(in.name(), List.<byte[][]>of(pair("k", "v0")));
      assertTrue(held.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
      connector.rebalanceNow(); // the revoke waits 500 ms for the batch, then gives it up
      Awaits.until(
          DEADLINE,
          "the held batch given up",
          () ->
              kafka.committedOffsets(flow.name(), in.name()).isEmpty()
                  && runtime.status().get(0).healthy() == false);
      release.countDown();
      Awaits.until(
          DEADLINE,
          "the record applied by the next batch",
          () -> kafka.committedOffsets(flow.name(), in.name()).getOrDefault(0, 0L) >= 1);
    }
    assertEquals(List.of("1:v0"), values(kafka, out), "published once, by the batch that ran on");
    assertEquals(
        1, postgres.queryLong("SELECT convert_from(state, 'UTF8')::bigint FROM it_cancel_count"));
    assertEquals(List.of(), kafka.readAll(flow.deadLetterTopic(), 0, DEADLINE));
    assertEquals(
        2,
        calls.size(),
        "the given-up batch wrote nothing, so the next batch applied the record itself");
    assertTrue(
        calls.get(1)[0] >= calls.get(0)[1], "the key's next call started after the first ended");
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void prepare(TestKafka kafka, Flow flow, Topic<?, ?> in, Topic<?, ?> out) {
    kafka.createTopic(in.name(), 1);
    kafka.createTopic(out.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
  }

  private static double counter(
      SimpleMeterRegistry registry, String name, String tag, String value) {
    var counter = registry.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private static List<byte[][]> records(String key, int count) {
    List<byte[][]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(pair(key, "v" + i));
    }
    return records;
  }

  private static List<String> values(TestKafka kafka, Topic<?, ?> topic) {
    return kafka.readAll(topic.name(), 1, DEADLINE).stream().map(r -> text(r.value())).toList();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return text(record.headers().lastHeader(key).value());
  }

  private static byte[][] pair(String key, String value) {
    return new byte[][] {bytes(key), bytes(value)};
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
