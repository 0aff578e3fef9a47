package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Three replicas of one cron flow, each with its own state store pool on one PostgreSQL (as three
 * processes would be), publish every tick once between them; closing one of them mid-run neither
 * repeats nor skips a tick.
 */
@FlowsServices
class CronReplicasIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int TICKS_BEFORE = 4;
  private static final int TICKS_AFTER = 4;

  @Test
  void shouldPublishEachTickOnceWhenThreeReplicasRunAndOneIsClosed(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Topic<String, String> ticks =
        topic(
            "it-cron-replicas-" + UUID.randomUUID().toString().substring(0, 8), string(), string());
    kafka.createTopic(ticks.name(), 1);
    // The value is the tick the firing belongs to: fired on the second, truncated to it.
    Flow cron =
        Flows.cron("it-cron-replicas")
            .schedule("@every 1s")
            .produce(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
            .to(ticks);
    List<PostgresStateStore> stores = new ArrayList<>();
    List<FlowRuntime> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        PostgresStateStore store =
            PostgresStateStore.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
        stores.add(store);
        replicas.add(
            FlowRuntime.builder(cron)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .build()
                .start());
      }
      awaitTicks(kafka, ticks, TICKS_BEFORE);
      replicas.remove(0).close(); // kill one
      Instant killed = Instant.now();
      Awaits.until(
          DEADLINE,
          TICKS_AFTER + " ticks after one replica was closed",
          () -> ticksAfter(read(kafka, ticks, 0), killed) >= TICKS_AFTER);
    } finally {
      replicas.forEach(FlowRuntime::close);
      stores.forEach(PostgresStateStore::close);
    }
    List<String> published = read(kafka, ticks, 0);
    Map<Instant, Integer> counts = new TreeMap<>();
    published.forEach(v -> counts.merge(Instant.parse(v), 1, Integer::sum));
    Map<Instant, Integer> repeated = new TreeMap<>(counts);
    repeated.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), repeated, "ticks published more than once, with their counts");
    List<Instant> seen = new ArrayList<>(counts.keySet());
    Instant first = seen.get(0);
    Instant last = seen.get(seen.size() - 1);
    assertEquals(
        Duration.between(first, last).toSeconds() + 1,
        seen.size(),
        "every tick from " + first + " to " + last + " published: " + seen);
    assertTrue(seen.size() >= TICKS_BEFORE + TICKS_AFTER, "ticks: " + seen);
  }

  private static void awaitTicks(TestKafka kafka, Topic<?, ?> ticks, int n) {
    Awaits.until(DEADLINE, n + " ticks", () -> kafka.endOffsetsSum(ticks.name()) >= n);
  }

  private static long ticksAfter(List<String> published, Instant killed) {
    return published.stream().map(Instant::parse).filter(t -> t.isAfter(killed)).distinct().count();
  }

  private static List<String> read(TestKafka kafka, Topic<?, ?> ticks, int atLeast) {
    List<String> values = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(ticks.name(), atLeast, DEADLINE)) {
      values.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
