package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
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
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock timers on the real broker and PostgreSQL: an order not paid within 60 s of the
 * runtime's clock is cancelled, whatever the records' timestamps; a payment cancels the timer. The
 * runtime's clock is the system's moved ahead when the test says, so no test waits a minute. A
 * cancellation committed with its row but swallowed before it was published is published again,
 * once, by the next instance.
 */
@FlowsServices
class WallClockTimerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Duration UNPAID = Duration.ofSeconds(60);
  private static final String NAME = "it-wall-timer";
  private static final Topic<String, String> EVENTS = topic(NAME + "-orders", string(), string());
  private static final Topic<String, String> CANCELLED =
      topic(NAME + "-cancelled", string(), string());
  private static final StateSpec<String> STATE =
      StateSpec.of("it_wall_timer_order", Formats.string(), () -> "none")
          .withTable("it_wall_timer");

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

  private final MovedClock clock = new MovedClock();

  private static Flow flow() {
    return Flows.stateful(NAME)
        .from(EVENTS)
        .state(STATE)
        .apply(
            (order, event, status) ->
                switch (event) {
                  case "placed" -> StateUpdate.<String, String>set("placed").withTimerIn(UNPAID);
                  case "paid" -> StateUpdate.<String, String>set("paid").withoutTimer();
                  default -> StateUpdate.<String, String>keep();
                },
            (order, status, time) -> StateUpdate.<String, String>set("cancelled").andEmit(status))
        .timersOnWallClock()
        .to(CANCELLED);
  }

  @Test
  void shouldCancelAnUnpaidOrderOnceAndPublishTheCancellationAgainAfterADeathBeforeItsPublish(
      TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(EVENTS.name(), 1);
    kafka.createTopic(CANCELLED.name(), 1);
    kafka.createTopic(flow().deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + STATE.table());
    long future =
        System.currentTimeMillis()
            + Duration.ofMinutes(30).toMillis(); // the broker takes up to 1 h ahead
    kafka.produce(
        List.of(
            event("o1", "placed", future), // event time 30 min ahead: not what fires it
            event("o2", "placed", future),
            event("o2", "paid", future)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = start(plain(kafka), store)) {
      awaitCommitted(kafka, 3);
    }
    assertEquals(List.of(), outputs(kafka, 0), "nothing fires before the wall clock reaches it");

    clock.moveOn(UNPAID);
    FaultyConnector dying =
        FaultyConnector.wrap(plain(kafka))
            .swallowSends(r -> "o1".equals(new String(r.key(), StandardCharsets.UTF_8)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime dies = start(dying, store)) {
      kafka.produce(List.of(event("tick", "tick", 0))); // an old timestamp fires it too
      awaitState(postgres, "o1", "cancelled"); // the firing committed with o1's row
    } // its publish swallowed, the drain times out: the firing batch is never committed
    assertTrue(
        kafka.committedOffsets(NAME, EVENTS.name()).getOrDefault(0, 0L) < 4,
        "the firing record's batch is not committed");

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime last = start(plain(kafka), store)) {
      awaitCommitted(kafka, 4);
    }

    assertEquals(List.of("o1=placed"), outputs(kafka, 1), "o1 cancelled once, o2 paid");
  }

  private ProducerRecord<byte[], byte[]> event(String order, String event, long timestamp) {
    return new ProducerRecord<>(
        EVENTS.name(),
        0,
        timestamp,
        order.getBytes(StandardCharsets.UTF_8),
        event.getBytes(StandardCharsets.UTF_8));
  }

  private FlowRuntime start(Connector connector, PostgresStateStore store) {
    return FlowRuntime.builder(flow())
        .connector(connector)
        .stateStore(store)
        .clock(clock)
        .meterRegistry(new SimpleMeterRegistry())
        .drainTimeout(Duration.ofSeconds(1))
        .build()
        .start();
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }

  private static void awaitCommitted(TestKafka kafka, long next) {
    Awaits.until(
        DEADLINE,
        "offset " + next + " committed",
        () -> kafka.committedOffsets(NAME, EVENTS.name()).getOrDefault(0, 0L) >= next);
  }

  private static void awaitState(TestPostgres postgres, String order, String status) {
    Awaits.until(
        DEADLINE,
        order + " " + status + " in " + STATE.table(),
        () ->
            postgres.queryLong(
                    "SELECT count(*) FROM "
                        + STATE.table()
                        + " WHERE id = '"
                        + order
                        + "' AND convert_from(state, 'UTF8') = '"
                        + status
                        + "'")
                == 1);
  }

  /** Every output, as order=status, once at least {@code atLeast} are there. */
  private static List<String> outputs(TestKafka kafka, int atLeast) {
    List<String> all = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readCommitted(CANCELLED.name(), atLeast, DEADLINE)) {
      all.add(
          new String(r.key(), StandardCharsets.UTF_8)
              + "="
              + new String(r.value(), StandardCharsets.UTF_8));
    }
    return all;
  }
}
