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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A count per user and session (30 s gap, 30 s grace, final results on close) on the real broker
 * and PostgreSQL: an out-of-order record joins two sessions, a late one is dead-lettered, and each
 * session's one output is its final count, across a restart and across a death after a session
 * closed and before its batch was committed.
 */
@FlowsServices
class SessionCountIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long S = 1_000;
  private static final long BASE = (System.currentTimeMillis() / S - 3_600) * S;
  private static final SessionWindows SESSIONS =
      SessionWindows.withGap(Duration.ofSeconds(30))
          .withGrace(Duration.ofSeconds(30))
          .emitOnClose();

  /** Each session's final count, as user@first-last=user=count (seconds). */
  private static final List<String> FINALS = List.of("b@15-15=b=1", "a@10-80=a=5", "c@100-120=c=2");

  private record SessionCount(String name) {
    Topic<String, String> clicks() {
      return topic("it-session-" + name + "-clicks", string(), string());
    }

    Topic<Windowed<String>, String> counts() {
      return topic("it-session-" + name + "-counts", Windowed.format(string()), string());
    }

    StateSpec<Long> state() {
      return StateSpec.of("it_session_count", Formats.longs(), () -> 0L)
          .withTable("it_session_" + name);
    }

    Flow flow() {
      return Flows.stateful("it-session-" + name)
          .from(clicks())
          .windowedBy(SESSIONS)
          .state(state(), (user, earlier, later) -> earlier + later)
          .apply((session, user, count) -> StateUpdate.set(count + 1, user + "=" + (count + 1)))
          .to(counts());
    }

    void prepare(TestKafka kafka, TestPostgres postgres) {
      kafka.createTopic(clicks().name(), 1);
      kafka.createTopic(counts().name(), 1);
      kafka.createTopic(flow().deadLetterTopic(), 1);
      postgres.execute("DROP TABLE IF EXISTS " + state().table());
    }

    /** Until a restart: b's session closes at stream time 100 s, a@5 is late. */
    void firstHalf(TestKafka kafka) {
      kafka.produce(
          List.of(
              click("a", 10),
              click("b", 15),
              click("a", 30),
              click("a", 70), // 40 s after a@30: a second session of a
              click("a", 50), // within 30 s of both: joins them, [10, 70]
              click("c", 100), // b's [15, 15] closes at 75
              click("a", 5))); // 5 + 30 + 30 <= 100: late
    }

    /** After it: a's and c's sessions close at stream time 200 s. */
    void secondHalf(TestKafka kafka) {
      kafka.produce(List.of(click("a", 80), click("c", 120), click("d", 200)));
    }

    ProducerRecord<byte[], byte[]> click(String user, long second) {
      byte[] bytes = user.getBytes(StandardCharsets.UTF_8);
      return new ProducerRecord<>(clicks().name(), 0, BASE + second * S, bytes, bytes);
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
          () -> kafka.committedOffsets(flow().name(), clicks().name()).getOrDefault(0, 0L) >= next);
    }

    List<String> outputs(TestKafka kafka, int atLeast) {
      List<String> all = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.readCommitted(counts().name(), atLeast, DEADLINE)) {
        Windowed<String> key = counts().keyFormat().decode(r.key());
        all.add(
            key.key()
                + "@"
                + (key.start() - BASE) / S
                + "-"
                + (key.end() - 1 - BASE) / S
                + "="
                + new String(r.value(), StandardCharsets.UTF_8));
      }
      return all;
    }

    List<String> deadLetters(TestKafka kafka) {
      List<String> dead = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.readCommitted(flow().deadLetterTopic(), 1, DEADLINE)) {
        String reason =
            new String(
                r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("so its session is closed"), reason);
        dead.add(new String(r.key(), StandardCharsets.UTF_8) + "@" + (r.timestamp() - BASE) / S);
      }
      return dead;
    }
  }

  @Test
  void shouldPublishEachSessionsFinalCountOnceAcrossARestart(
      TestKafka kafka, TestPostgres postgres) {
    SessionCount count = new SessionCount("restart");
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 7);
    }
    assertEquals(List.of(FINALS.get(0)), count.outputs(kafka, 1), "b's session closed first");

    count.secondHalf(kafka);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 10);
    }

    List<String> outputs = count.outputs(kafka, 3);
    assertEquals(new TreeSet<>(FINALS), new TreeSet<>(outputs));
    assertEquals(FINALS.size(), outputs.size(), "once each");
    assertEquals(List.of("a@5"), count.deadLetters(kafka));
  }

  @Test
  void shouldPublishTheFinalCountsAgainWhenTheFlowDiedAfterClosingBeforeCommitting(
      TestKafka kafka, TestPostgres postgres) {
    SessionCount count = new SessionCount("crash");
    count.prepare(kafka, postgres);
    count.firstHalf(kafka);
    count.secondHalf(kafka);
    FaultyConnector dying =
        FaultyConnector.wrap(plain(kafka))
            .swallowSends(
                r ->
                    r.value() != null
                        && "a=5".equals(new String(r.value(), StandardCharsets.UTF_8)));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = count.start(dying, store)) {
      count.outputs(kafka, 2); // b's and c's final counts out, a's swallowed
    } // the drain times out: the closing batch is never committed
    assertTrue(
        kafka.committedOffsets(count.flow().name(), count.clicks().name()).getOrDefault(0, 0L) < 10,
        "the closing record's batch is not committed");

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = count.start(plain(kafka), store)) {
      count.awaitCommitted(kafka, 10);
    }

    List<String> outputs = count.outputs(kafka, 3);
    assertEquals(new TreeSet<>(FINALS), new TreeSet<>(outputs), "only final counts, none lost");
    assertEquals(1, outputs.stream().filter("a@10-80=a=5"::equals).count(), "re-emitted once");
  }

  private static Connector plain(TestKafka kafka) {
    return KafkaConnector.create(kafka.bootstrapServers());
  }
}
