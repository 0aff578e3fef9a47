package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock timers on the real broker and PostgreSQL, at-least-once and exactly-once: an order not
 * paid within 60 s of the runtime's clock is cancelled, whatever the records' timestamps and
 * without any record read after it (a batch of the idle partition fires it); a payment cancels the
 * timer. The runtime's clock is the system's moved ahead when the test says, so no test waits a
 * minute. A cancellation committed with its row but swallowed before it was published is published
 * again, once, by the next instance's first batch.
 */
@FlowsServices
class WallClockTimerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Duration UNPAID = Duration.ofSeconds(60);

  /** The system's clock, moved ahead by what a test adds: batch waits still run on real time. */
  private static final class MovedClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    void moveOn(Duration by) {
      ahead = ahead.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  private record Orders(String name, Guarantee guarantee, MovedClock clock) {
    Topic<String, String> events() {
      return topic("it-wall-timer-" + name + "-orders", string(), string());
    }

    Topic<String, String> cancelled() {
      return topic("it-wall-timer-" + name + "-cancelled", string(), string());
    }

    StateSpec<String> state() {
      return StateSpec.of("it_wall_timer_order", Formats.string(), () -> "none")
          .withTable("it_wall_timer_" + name);
    }

    Flow flow() {
      return Flows.stateful(
              "it-wall-timer-" + name, FlowOptions.defaults().withGuarantee(guarantee))
          .from(events())
          .state(state())
          .apply(
              (order, event, status) ->
                  switch (event) {
                    case "placed" -> StateUpdate.<String, String>set("placed").withTimerIn(UNPAID);
                    case "paid" -> StateUpdate.<String, String>set("paid").withoutTimer();
                    default -> StateUpdate.<String, String>keep();
                  },
              (order, status, time) -> StateUpdate.<String, String>set("cancelled").andEmit(status))
          .timersOnWallClock()
          .to(cancelled());
    }

    void prepare(TestKafka kafka, TestPostgres postgres) {
      kafka.createTopic(events().name(), 1);
      kafka.createTopic(cancelled().name(), 1);
      kafka.createTopic(flow().deadLetterTopic(), 1);
      postgres.execute("DROP TABLE IF EXISTS " + state().table());
    }

    ProducerRecord<byte[], byte[]> event(String order, String event, long timestamp) {
      return new ProducerRecord<>(
          events().name(),
          0,
          timestamp,
          order.getBytes(StandardCharsets.UTF_8),
          event.getBytes(StandardCharsets.UTF_8));
    }

    FlowRuntime start(Connector connector, PostgresStateStore store) {
      return FlowRuntime.builder(flow())
          .connector(connector)
          .stateStore(store)
          .clock(clock)
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

    /** The metadata committed with the offset of partition 0, "" if none. */
    String committedMetadata(TestKafka kafka) {
      return plain(kafka).committedMetadata(flow().name(), events().name()).getOrDefault(0, "");
    }

    void awaitState(TestPostgres postgres, String order, String status) {
      TextChecks.awaitState(postgres, state().table(), order, status, DEADLINE);
    }

    /** Every output, as order=status, once at least {@code atLeast} are there. */
    List<String> outputs(TestKafka kafka, int atLeast) {
      return TextChecks.keyValues(kafka, cancelled().name(), atLeast, DEADLINE);
    }
  }

  @Test
  void shouldCancelAnUnpaidOrderOnceWithoutARecordAndPublishItAgainAfterADeathAtLeastOnce(
      TestKafka kafka, TestPostgres postgres) {
    cancelOnceAcrossADeath(
        new Orders("alos", Guarantee.AT_LEAST_ONCE, new MovedClock()), kafka, postgres);
  }

  @Test
  void shouldCancelAnUnpaidOrderOnceWithoutARecordAndPublishItAgainAfterADeathExactlyOnce(
      TestKafka kafka, TestPostgres postgres) {
    cancelOnceAcrossADeath(
        new Orders("eos", Guarantee.EXACTLY_ONCE, new MovedClock()), kafka, postgres);
  }

  private static void cancelOnceAcrossADeath(
      Orders orders, TestKafka kafka, TestPostgres postgres) {
    orders.prepare(kafka, postgres);
    long ahead = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis(); // broker: <= 1 h
    kafka.produce(
        List.of(
            orders.event("o1", "placed", ahead), // event time 30 min ahead: not what fires it
            orders.event("o2", "placed", ahead),
            orders.event("o2", "paid", ahead)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = orders.start(plain(kafka), store)) {
      orders.awaitCommitted(kafka, 3);
    }
    assertEquals(List.of(), orders.outputs(kafka, 0), "nothing fires before the clock reaches it");

    orders.clock().moveOn(UNPAID); // and no record is produced from here on
    FaultyConnector dying =
        FaultyConnector.wrap(plain(kafka))
            .swallowSends(r -> "o1".equals(new String(r.key(), StandardCharsets.UTF_8)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime dies = orders.start(dying, store)) {
      orders.awaitState(postgres, "o1", "cancelled"); // fired by a tick, committed with o1's row
    } // its publish swallowed, the drain times out: the tick's batch is never committed
    assertFalse(
        orders.committedMetadata(kafka).contains("flows.ticks"),
        "the tick is not committed: " + orders.committedMetadata(kafka));

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime last = orders.start(plain(kafka), store)) {
      Awaits.until(
          DEADLINE,
          "the tick committed",
          () -> orders.committedMetadata(kafka).contains("flows.ticks=1"));
    }

    assertEquals(List.of("o1=placed"), orders.outputs(kafka, 1), "o1 cancelled once, o2 paid");
    assertEquals(3, kafka.committedOffsets(orders.flow().name(), orders.events().name()).get(0));
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }
}
