package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Windowed;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Final session results under crashes, under {@code make chaos}: a count per key and event-time
 * session that emits on close ({@link SessionFinalCount}), exactly-once on the real broker and
 * PostgreSQL, killed with SIGKILL ten times while 150,000 timestamped records of 100 keys flow
 * ({@link SessionInput}): about 200 sessions per key, some out of order within the grace, some of
 * them joining two sessions, some within the gap of a session already closed, some late, and a
 * stretch of 25,000 records that leaves one partition silent with its sessions open. A {@code
 * read_committed} reader sees exactly one final count per key and closed session, each the count a
 * reference replay of the session rules computes from the input; every late record is dead-lettered
 * exactly once (exactly-once covers dead letters). Once the keys' rows passed their retention, and
 * the records that closed their sessions are committed, they are purged, while the rows of the
 * sessions still open stay.
 */
@FlowsServices
class SessionKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(SessionKillChaosIT.class);
  private static final int TOTAL = 150_000;
  private static final int KILLS = 10;
  private static final int PARTITIONS = 4;
  private static final int KEYS = 100;
  private static final long DATA_SEED = 17;
  private static final Duration STEP = Duration.ofSeconds(120);
  private static final Duration READ = Duration.ofSeconds(180);
  private static final Duration PURGE =
      SessionFinalCount.SESSIONS.minRetention().multipliedBy(3).plusSeconds(30);

  private final SessionFinalCount count = new SessionFinalCount("sessionkill");

  @Test
  void shouldPublishOneExactFinalCountPerSessionAndEachLateRecordOnceWhenKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    long base = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    SessionInput input =
        SessionInput.generate(DATA_SEED, TOTAL, KEYS, PARTITIONS, base, SessionFinalCount.SESSIONS);
    SessionInput.Expected expected = input.expected(SessionFinalCount.SESSIONS);
    assertEquals(input.delayedPastGrace(), expected.late(), "late: exactly those past the grace");
    assertTrue(expected.finals().size() >= 100 * KEYS, "many sessions per key");
    assertTrue(expected.merges() >= 1_000, "many records joining sessions");
    assertTrue(expected.besideClosed() >= 100, "many records beside a closed session");
    prepare(kafka, postgres);
    long start = System.nanoTime();

    try (ChildJvm last = killRepeatedly(input, kafka, postgres)) {
      assertFinalCounts(expected.finals(), kafka);
      assertDeadLetters(expected.late(), kafka);
      kafka.produce(input.afterClosing(count.clicks().name()));
      Awaits.until(
          STEP,
          "the worker to commit the records after the closing ones",
          () -> committed(kafka) >= input.size() + PARTITIONS || !last.isAlive());
      Awaits.until(
          PURGE,
          "the rows of the keys, every session closed, purged after the retention",
          () -> rows(postgres, "k%") == 0 || !last.isAlive());
      assertTrue(last.isAlive(), "the worker died on its own:\n" + last.output());
      assertEquals(
          PARTITIONS,
          rows(postgres, "end-p%"),
          "the rows of the closing records' open sessions, as old, kept");
      last.terminate();
      assertEquals(ChildJvm.EXIT_ON_SIGTERM, last.awaitExit(STEP).orElse(-1), last::output);
    }
    LOG.info(
        "{} final session counts ({} records joining sessions, {} beside a closed one) and {} late"
            + " records of {} exact after {} kills in {} s",
        expected.finals().size(),
        expected.merges(),
        expected.besideClosed(),
        expected.late().size(),
        input.size(),
        KILLS,
        (System.nanoTime() - start) / 1_000_000_000);
  }

  private void prepare(TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(count.clicks().name(), PARTITIONS);
    kafka.createTopic(count.counts().name(), PARTITIONS);
    kafka.createTopic(count.flow().deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + count.table());
  }

  /**
   * Kills the worker {@code KILLS} times while the input flows ({@link ChunkedKills}); returns the
   * last worker once it committed everything.
   */
  private ChildJvm killRepeatedly(SessionInput input, TestKafka kafka, TestPostgres postgres) {
    return ChunkedKills.killRepeatedly(
        "session kill test",
        KILLS,
        input.size(),
        () -> KillWorker.start(count, kafka, postgres, "w1"),
        (from, to) -> kafka.produce(input.records(count.clicks().name(), from, to)),
        () -> committed(kafka));
  }

  /** The sum of the count's committed offsets: inputs it has committed. */
  private long committed(TestKafka kafka) {
    return kafka.committedOffsets(count.flow().name(), count.clicks().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** The rows of the state table whose id is {@code like} the pattern. */
  private long rows(TestPostgres postgres, String like) {
    return postgres.queryLong(
        "select count(*) from " + count.table() + " where id like '" + like + "'");
  }

  /** Each closed session's final count, published once, equal to {@code finals}; nothing else. */
  private void assertFinalCounts(Map<String, String> finals, TestKafka kafka) {
    Map<String, List<String>> published = new HashMap<>();
    kafka.forEachCommittedRecord(
        count.counts().name(),
        finals.size(),
        READ,
        r -> {
          Windowed<String> session = count.counts().keyFormat().decode(r.key());
          published
              .computeIfAbsent(
                  SessionInput.id(session.key(), session.start(), session.end() - 1),
                  id -> new ArrayList<>())
              .add(utf8(r.value()));
        });
    EachOnce.assertEachOnce("final session counts", finals, published);
  }

  /** The dead-letter topic holds each late record once, with a reason saying it is late. */
  private void assertDeadLetters(Set<String> late, TestKafka kafka) {
    Map<String, List<String>> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readCommitted(count.flow().deadLetterTopic(), late.size(), READ)) {
      String reason = utf8(r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
      assertTrue(
          reason.contains("late record") && reason.contains("so its session is closed"), reason);
      dead.computeIfAbsent(utf8(r.value()), v -> new ArrayList<>()).add("late");
    }
    Map<String, String> expected = new HashMap<>();
    late.forEach(v -> expected.put(v, "late"));
    EachOnce.assertEachOnce("dead letters", expected, dead);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
