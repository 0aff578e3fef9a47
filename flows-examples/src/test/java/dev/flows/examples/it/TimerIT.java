package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.Connector;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FaultyConnector;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Event-time timers on the real broker and PostgreSQL: an order not paid within 60 s of event time
 * is cancelled by its timer; a payment cancels the timer. Each cancellation is published once,
 * across a restart between setting and firing, and across a death after a firing was committed and
 * before it was published.
 */
@FlowsServices
class TimerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long S = 1_000;
  private static final long BASE = (System.currentTimeMillis() / S - 3_600) * S;
  private static final Duration UNPAID = Duration.ofSeconds(60);

  /** The cancellations, as order=text (the firing's time in seconds). */
  private static final List<String> CANCELLED =
      List.of("o1=cancelled at 70", "o3=cancelled at 160");

  private record Orders(String name) {
    Topic<String, String> events() {
      return topic("it-timer-" + name + "-orders", string(), string());
    }

    Topic<String, String> cancelled() {
      return topic("it-timer-" + name + "-cancelled", string(), string());
    }

    StateSpec<String> state() {
      return StateSpec.of("it_timer_order", Formats.string(), () -> "none")
          .withTable("it_timer_" + name);
    }

    Flow flow() {
      return Flows.stateful("it-timer-" + name)
          .from(events())
          .state(state())
          .applyMessage(
              (event, status) ->
                  switch (event.value()) {
                    case "placed" ->
                        StateUpdate.<String, Message<String, String>>set("placed")
                            .withTimer(Instant.ofEpochMilli(event.timestamp()).plus(UNPAID));
                    case "paid" ->
                        StateUpdate.<String, Message<String, String>>set("paid").withoutTimer();
                    default -> StateUpdate.<String, Message<String, String>>keep();
                  },
              (order, status, time) ->
                  StateUpdate.<String, String>set("cancelled")
                      .andEmit("cancelled at " + (time.toEpochMilli() - BASE) / S))
          .to(cancelled());
    }

    void prepare(TestKafka kafka, TestPostgres postgres) {
      kafka.createTopic(events().name(), 1);
      kafka.createTopic(cancelled().name(), 1);
      kafka.createTopic(flow().deadLetterTopic(), 1);
      postgres.execute("DROP TABLE IF EXISTS " + state().table());
    }

    /**
     * Orders placed; o2 paid in time; stream time 65 s: o1's timer at 70 not reached. The caller
     * waits for them to be committed before the second half, so o1's timer is set in an earlier
     * batch than the record that fires it.
     */
    void firstHalf(TestKafka kafka) {
      kafka.produce(
          List.of(
              event("o1", "placed", 10),
              event("o2", "placed", 20),
              event("o2", "paid", 50),
              event("tick", "tick", 65)));
    }

    /**
     * Stream time 100 s: o1's timer (70) fires; once that batch is committed, stream time 170 s:
     * o3's (160) fires. A timer fires at a record of a later batch than the one that set it.
     */
    void secondHalf(TestKafka kafka) {
      kafka.produce(List.of(event("o3", "placed", 100)));
      awaitCommitted(kafka, 5);
      kafka.produce(List.of(event("tick", "tick", 170)));
    }

    ProducerRecord<byte[], byte[]> event(String order, String event, long second) {
      return new ProducerRecord<>(
          events().name(),
          0,
          BASE + second * S,
          order.getBytes(StandardCharsets.UTF_8),
          event.getBytes(StandardCharsets.UTF_8));
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
          () -> kafka.committedOffsets(flow().name(), events().name()).getOrDefault(0, 0L) >= next);
    }

    void awaitState(TestPostgres postgres, String order, String status) {
      TextChecks.awaitState(postgres, state().table(), order, status, DEADLINE);
    }

    List<String> outputs(TestKafka kafka, int atLeast) {
      return TextChecks.keyValues(kafka, cancelled().name(), atLeast, DEADLINE);
    }
  }

  @Test
  void shouldCancelEachUnpaidOrderOnceAcrossARestart(TestKafka kafka, TestPostgres postgres) {
    Orders orders = new Orders("restart");
    orders.prepare(kafka, postgres);
    orders.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = orders.start(plain(kafka), store)) {
      orders.awaitCommitted(kafka, 4);
    }

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = orders.start(plain(kafka), store)) {
      orders.secondHalf(kafka);
      orders.awaitCommitted(kafka, 6);
    }

    assertEquals(CANCELLED, orders.outputs(kafka, 2));
  }

  @Test
  void shouldPublishAFiringAgainWhenTheFlowDiedAfterCommittingItBeforePublishing(
      TestKafka kafka, TestPostgres postgres) {
    Orders orders = new Orders("crash");
    orders.prepare(kafka, postgres);
    orders.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = orders.start(plain(kafka), store)) {
      orders.awaitCommitted(kafka, 4);
    }
    FaultyConnector dying =
        FaultyConnector.wrap(plain(kafka))
            .swallowSends(
                r -> r.key() != null && "o3".equals(new String(r.key(), StandardCharsets.UTF_8)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime dies = orders.start(dying, store)) {
      orders.secondHalf(kafka);
      orders.outputs(kafka, 1); // o1's cancellation out, o3's swallowed
      orders.awaitState(postgres, "o3", "cancelled"); // o3's firing committed with its row
    } // the drain times out: the firing batch is never committed
    assertTrue(
        kafka.committedOffsets(orders.flow().name(), orders.events().name()).getOrDefault(0, 0L)
            < 6,
        "the firing record's batch is not committed");

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime last = orders.start(plain(kafka), store)) {
      orders.awaitCommitted(kafka, 6);
    }

    List<String> outputs = orders.outputs(kafka, 2);
    assertEquals(CANCELLED.size(), outputs.size(), "each once: " + outputs);
    assertEquals(CANCELLED, outputs.stream().sorted().toList());
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }
}
