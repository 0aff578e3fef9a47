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
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Final results under crashes, under {@code make chaos}: a count per word and event-time window
 * that emits on close, exactly-once on the real broker and PostgreSQL, killed with SIGKILL ten
 * times while 200,000 timestamped records flow, some out of order within the grace and some late
 * ({@link WindowedInput}). A {@code read_committed} reader sees exactly one final count per word
 * and closed window, each the count computed from the input; every late record is dead-lettered
 * exactly once (exactly-once covers dead letters); the rows of the closed windows are deleted once
 * their retention passed.
 */
@FlowsServices
class WindowedKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(WindowedKillChaosIT.class);
  private static final int TOTAL = 200_000;
  private static final int KILLS = 10;
  private static final int PARTITIONS = 4;
  private static final int VOCABULARY = 300;
  private static final long DATA_SEED = 17;
  private static final Duration STEP = Duration.ofSeconds(120);
  private static final Duration READ = Duration.ofSeconds(180);
  private static final Duration PURGE =
      WindowedFinalCount.RETENTION.multipliedBy(3).plusSeconds(30);

  private final WindowedFinalCount count = new WindowedFinalCount("windowkill");

  @Test
  void shouldPublishOneExactFinalCountPerWindowAndEachLateRecordOnceWhenKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    long base = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    WindowedInput input =
        WindowedInput.generate(
            DATA_SEED, TOTAL, VOCABULARY, PARTITIONS, base, WindowedFinalCount.WINDOWS);
    WindowedInput.Expected expected = input.expected(WindowedFinalCount.WINDOWS);
    assertEquals(input.delayedPastGrace(), expected.late(), "late: exactly those past the grace");
    prepare(kafka, postgres);
    long start = System.nanoTime();

    try (ChildJvm last = killRepeatedly(input, kafka, postgres)) {
      assertTrue(closedWindowRows(postgres) > 0, "the closed windows' rows, before the retention");
      assertFinalCounts(expected.finals(), kafka);
      assertDeadLetters(expected.late(), kafka);
      Awaits.until(
          PURGE,
          "the rows of the closed windows purged after the retention",
          () -> closedWindowRows(postgres) == 0 || !last.isAlive());
      assertTrue(last.isAlive(), "the worker died on its own:\n" + last.output());
      last.terminate();
      assertEquals(ChildJvm.EXIT_ON_SIGTERM, last.awaitExit(STEP).orElse(-1), last::output);
    }
    LOG.info(
        "{} final counts and {} late records exact after {} kills in {} s",
        expected.finals().size(),
        expected.late().size(),
        KILLS,
        (System.nanoTime() - start) / 1_000_000_000);
  }

  private void prepare(TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(count.words().name(), PARTITIONS);
    kafka.createTopic(count.counts().name(), PARTITIONS);
    kafka.createTopic(count.flow().deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + count.table());
  }

  /**
   * Produces the input in {@code KILLS + 1} chunks, one per round, and kills the worker with
   * SIGKILL once it committed a random point of each round's chunk, so every kill lands while
   * records flow; then produces the rest and returns the last worker once it committed everything.
   */
  private ChildJvm killRepeatedly(WindowedInput input, TestKafka kafka, TestPostgres postgres) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("windowed kill test seed {}", seed);
    int chunk = input.size() / (KILLS + 1);
    ChildJvm worker = WindowedWorker.start(count, kafka, postgres, "w1");
    try {
      for (int round = 0; round < KILLS; round++) {
        kafka.produce(input.records(count.words().name(), round * chunk, (round + 1) * chunk));
        long target = (long) round * chunk + chunk / 4 + random.nextInt(chunk / 2);
        awaitCommitted(worker, target, kafka);
        worker.kill();
        worker.close();
        worker = WindowedWorker.start(count, kafka, postgres, "w1");
        LOG.info("SIGKILL {} at input {}", round + 1, target);
      }
      kafka.produce(input.records(count.words().name(), KILLS * chunk, input.size()));
      awaitCommitted(worker, input.size(), kafka);
      return worker;
    } catch (RuntimeException | Error e) {
      worker.close();
      throw e;
    }
  }

  private void awaitCommitted(ChildJvm worker, long target, TestKafka kafka) {
    Awaits.until(
        STEP,
        "the worker to commit input " + target,
        () -> committed(kafka) >= target || !worker.isAlive());
    assertTrue(worker.isAlive(), "the worker died on its own:\n" + worker.output());
  }

  /** The sum of the count's committed offsets: inputs it has committed. */
  private long committed(TestKafka kafka) {
    return kafka.committedOffsets(count.flow().name(), count.words().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Rows of the words' windows, every one closed by the end of the input. */
  private long closedWindowRows(TestPostgres postgres) {
    return postgres.queryLong("select count(*) from " + count.table() + " where id like 'w%@%'");
  }

  /** Each closed window's final count, published once, equal to {@code finals}; nothing else. */
  private void assertFinalCounts(Map<String, String> finals, TestKafka kafka) {
    Map<String, List<String>> published = new HashMap<>();
    kafka.forEachCommittedRecord(
        count.counts().name(),
        finals.size(),
        READ,
        r -> {
          Windowed<String> window = count.counts().keyFormat().decode(r.key());
          published
              .computeIfAbsent(window.key() + "@" + window.start(), id -> new ArrayList<>())
              .add(utf8(r.value()));
        });
    assertEachOnce("final counts", finals, published);
  }

  /** The dead-letter topic holds each late record once, with a reason saying it is late. */
  private void assertDeadLetters(Set<String> late, TestKafka kafka) {
    Map<String, List<String>> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readCommitted(count.flow().deadLetterTopic(), late.size(), READ)) {
      String reason = utf8(r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
      assertTrue(
          reason.contains("late record")
              && reason.contains("grace " + WindowedFinalCount.WINDOWS.grace()),
          reason);
      dead.computeIfAbsent(utf8(r.value()), v -> new ArrayList<>()).add("late");
    }
    Map<String, String> expected = new HashMap<>();
    late.forEach(v -> expected.put(v, "late"));
    assertEachOnce("dead letters", expected, dead);
  }

  /**
   * {@code actual} holds exactly one value for each key of {@code expected}, equal to it, and no
   * other key; the failure names how many differ and a few of each.
   */
  private static void assertEachOnce(
      String what, Map<String, String> expected, Map<String, List<String>> actual) {
    List<String> twice = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    actual.forEach(
        (key, values) -> {
          if (values.size() > 1) {
            twice.add(key + " " + values);
          } else if (!expected.containsKey(key)) {
            extra.add(key + " " + values);
          } else if (!expected.get(key).equals(values.get(0))) {
            wrong.add(key + " " + values + " expected " + expected.get(key));
          }
        });
    List<String> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
    if (!twice.isEmpty() || !wrong.isEmpty() || !extra.isEmpty() || !missing.isEmpty()) {
      throw new AssertionError(
          String.format(
              "%s: %d expected, %d read; %d more than once e.g. %s, %d wrong e.g. %s,"
                  + " %d unexpected e.g. %s, %d missing e.g. %s",
              what,
              expected.size(),
              actual.size(),
              twice.size(),
              first(twice),
              wrong.size(),
              first(wrong),
              extra.size(),
              first(extra),
              missing.size(),
              first(missing)));
    }
  }

  private static List<String> first(List<String> list) {
    return list.subList(0, Math.min(5, list.size()));
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
