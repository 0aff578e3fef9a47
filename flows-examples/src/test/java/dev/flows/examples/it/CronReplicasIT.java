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
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
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
 * repeats nor skips a tick, and killing one with SIGKILL repeats none and skips at most the tick it
 * had claimed when it died (docs/semantics.md: at most once across replicas): one claimed in the
 * store, due before the kill. Ticks are told by the records' timestamps, each firing's time, and
 * counted from the latest of the first four (the replicas warmed up).
 */
@FlowsServices
class CronReplicasIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int TICKS_BEFORE = 4;
  private static final int TICKS_AFTER = 4;

  @Test
  void shouldPublishEachTickOnceWhenThreeReplicasRunAndOneIsClosed(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Topic<String, String> ticks = ticksTopic(kafka);
    Flow cron = cron("it-cron-replicas", ticks);
    List<PostgresStateStore> stores = new ArrayList<>();
    List<FlowRuntime> replicas = new ArrayList<>();
    Instant warm;
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
      warm = awaitTicks(kafka, ticks, TICKS_BEFORE);
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
    List<Instant> seen = onceEach(read(kafka, ticks, 0));
    assertEquals(List.of(), missing(seen, warm), "ticks not published, of " + seen);
    assertTrue(seen.size() >= TICKS_BEFORE + TICKS_AFTER, "ticks: " + seen);
  }

  @Test
  void shouldRepeatNoTickAndSkipAtMostTheClaimedOneWhenAReplicaIsKilled(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Topic<String, String> ticks = ticksTopic(kafka);
    String flow = "it-cron-killed";
    List<ChildJvm> replicas = new ArrayList<>();
    Instant warm;
    Instant killed;
    try {
      for (int i = 0; i < 3; i++) {
        replicas.add(
            ChildJvm.start(
                CronWorker.class,
                postgres.password() == null
                    ? Map.of()
                    : Map.of("FLOWS_IT_PG_PASSWORD", postgres.password()),
                flow,
                ticks.name(),
                kafka.bootstrapServers(),
                postgres.jdbcUrl(),
                postgres.user() == null ? "-" : postgres.user()));
      }
      warm = awaitTicks(kafka, ticks, TICKS_BEFORE);
      replicas.get(0).kill();
      killed = Instant.now();
      Awaits.until(
          DEADLINE,
          TICKS_AFTER + " ticks after one replica was killed",
          () -> ticksAfter(read(kafka, ticks, 0), killed) >= TICKS_AFTER);
    } finally {
      replicas.forEach(ChildJvm::close);
    }
    List<Instant> seen = onceEach(read(kafka, ticks, 0));
    List<Instant> missing = missing(seen, warm);
    assertTrue(
        missing.size() <= 1
            && missing.stream().allMatch(t -> !t.isAfter(killed) && claimed(postgres, flow, t)),
        "at most the tick the killed replica had claimed is missing (claimed, due before the kill"
            + " at "
            + killed
            + "): missing "
            + missing
            + " of "
            + seen);
    assertTrue(seen.size() >= TICKS_BEFORE + TICKS_AFTER, "ticks: " + seen);
  }

  /**
   * The cron flow of the replicas: each record is stamped with the firing's time (its value, the
   * time it was produced, may be a second later on a slow machine).
   */
  static Flow cron(String name, Topic<String, String> ticks) {
    return Flows.cron(name)
        .schedule("@every 1s")
        .produce(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .to(ticks);
  }

  private static Topic<String, String> ticksTopic(TestKafka kafka) {
    Topic<String, String> ticks =
        topic(
            "it-cron-replicas-" + UUID.randomUUID().toString().substring(0, 8), string(), string());
    kafka.createTopic(ticks.name(), 1);
    return ticks;
  }

  /** The published ticks in order, each once; fails naming the ones published more than once. */
  private static List<Instant> onceEach(List<String> published) {
    Map<Instant, Integer> counts = new TreeMap<>();
    published.forEach(v -> counts.merge(Instant.parse(v), 1, Integer::sum));
    Map<Instant, Integer> repeated = new TreeMap<>(counts);
    repeated.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), repeated, "ticks published more than once, with their counts");
    return new ArrayList<>(counts.keySet());
  }

  /**
   * The seconds from {@code warm} to the last of {@code seen} that are not in it. The firings
   * before {@code warm} do not count: while every replica makes its first claim (a new pool, the
   * claims table created) each may come late to a firing, and a cron loop that comes late skips the
   * firing rather than run behind (docs/semantics.md), so all of them may skip one.
   */
  private static List<Instant> missing(List<Instant> seen, Instant warm) {
    List<Instant> missing = new ArrayList<>();
    for (Instant t = warm; t.isBefore(seen.get(seen.size() - 1)); t = t.plusSeconds(1)) {
      if (!seen.contains(t)) {
        missing.add(t);
      }
    }
    return missing;
  }

  /** Waits for {@code n} ticks published; returns the latest firing among them. */
  private static Instant awaitTicks(TestKafka kafka, Topic<?, ?> ticks, int n) {
    Awaits.until(DEADLINE, n + " ticks", () -> kafka.endOffsetsSum(ticks.name()) >= n);
    return read(kafka, ticks, n).stream().map(Instant::parse).max(Instant::compareTo).orElseThrow();
  }

  private static long ticksAfter(List<String> published, Instant killed) {
    return published.stream().map(Instant::parse).filter(t -> t.isAfter(killed)).distinct().count();
  }

  /** The firing times of the published ticks (their timestamps), in the order published. */
  private static List<String> read(TestKafka kafka, Topic<?, ?> ticks, int atLeast) {
    List<String> firings = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(ticks.name(), atLeast, DEADLINE)) {
      firings.add(Instant.ofEpochMilli(r.timestamp()).toString());
    }
    return firings;
  }

  /** Whether a replica of {@code flow} claimed {@code tick} in the store's claims. */
  private static boolean claimed(TestPostgres postgres, String flow, Instant tick) {
    return postgres.queryLong(
            "SELECT count(*) FROM flows_cron_ticks WHERE flow = '"
                + flow
                + "' AND tick = '"
                + tick
                + "'")
        == 1;
  }
}
