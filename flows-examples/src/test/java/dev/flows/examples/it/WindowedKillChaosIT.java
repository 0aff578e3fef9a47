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

  /**
   * The same, each record on a random partition, so every window is fed by all four and closes when
   * every partition that fed it passed it: exactly one final count per window, which with the
   * records dead-lettered as reaching it after it closed without their partition (a worker catching
   * up reads one partition ahead of the others) is the window's count from the input; every record
   * late by its own partition's stream time dead-lettered once; the rows deleted once every
   * partition passed their windows and the retention passed. Before the retention waited for every
   * partition of the input, a run in CI published 814 windows twice: rows deleted after their
   * window closed were made again by a record of a partition that had not fed them, read later.
   */
  @Test
  void shouldPublishOneFinalCountPerWindowFedByEveryPartitionWhenKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    WindowedFinalCount spreadCount = new WindowedFinalCount("windowspread");
    long base = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    WindowedInput input =
        WindowedInput.generate(
            DATA_SEED, TOTAL, VOCABULARY, PARTITIONS, base, WindowedFinalCount.WINDOWS, true);
    WindowedInput.Expected expected = input.expected(WindowedFinalCount.WINDOWS);
    Map<String, String> windowOf = input.windowsByValue(WindowedFinalCount.WINDOWS);
    prepare(spreadCount, kafka, postgres);
    long start = System.nanoTime();

    try (ChildJvm last = killRepeatedly(spreadCount, spreadCount, input, kafka, postgres)) {
      Map<String, List<String>> dead = deadLetters(spreadCount, expected.late().size(), kafka);
      Map<String, List<String>> lateByPartition = new HashMap<>();
      Map<String, Long> closedWithout = new HashMap<>();
      dead.forEach(
          (value, reasons) -> {
            if (reasons.get(0).startsWith("late record: window ")) {
              assertEquals(1, reasons.size(), value + " dead-lettered once: " + reasons);
              closedWithout.merge(windowOf.get(value), 1L, Long::sum);
            } else {
              lateByPartition.put(value, reasons.stream().map(reason -> "late").toList());
            }
          });
      Map<String, String> lateExpected = new HashMap<>();
      expected.late().forEach(v -> lateExpected.put(v, "late"));
      EachOnce.assertEachOnce("late by their partition", lateExpected, lateByPartition);
      Map<String, String> finals = new HashMap<>();
      expected
          .finals()
          .forEach(
              (window, wordCount) -> {
                int eq = wordCount.indexOf('=');
                long n = Long.parseLong(wordCount.substring(eq + 1));
                finals.put(
                    window,
                    wordCount.substring(0, eq + 1) + (n - closedWithout.getOrDefault(window, 0L)));
              });
      assertFinalCounts(spreadCount, finals, kafka);
      Awaits.until(
          PURGE,
          "the rows of the closed windows purged after the retention",
          () -> closedWindowRows(spreadCount, postgres) == 0 || !last.isAlive());
      assertTrue(last.isAlive(), "the worker died on its own:\n" + last.output());
      LOG.info(
          "{} final counts of windows fed by {} partitions exact after {} kills in {} s; {} records"
              + " reached a window closed without their partition",
          finals.size(),
          PARTITIONS,
          KILLS,
          (System.nanoTime() - start) / 1_000_000_000,
          closedWithout.values().stream().mapToLong(Long::longValue).sum());
      last.terminate();
      assertEquals(ChildJvm.EXIT_ON_SIGTERM, last.awaitExit(STEP).orElse(-1), last::output);
    }
  }

  private void prepare(TestKafka kafka, TestPostgres postgres) {
    prepare(count, kafka, postgres);
  }

  private static void prepare(WindowedFinalCount count, TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(count.words().name(), PARTITIONS);
    kafka.createTopic(count.counts().name(), PARTITIONS);
    kafka.createTopic(count.flow().deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + count.table());
  }

  /**
   * Kills the worker {@code KILLS} times while the input flows ({@link ChunkedKills}); returns the
   * last worker once it committed everything.
   */
  private ChildJvm killRepeatedly(WindowedInput input, TestKafka kafka, TestPostgres postgres) {
    return killRepeatedly(count, count, input, kafka, postgres);
  }

  /** As above, the worker running {@code worker}, a flow of {@code count}'s topics. */
  private static ChildJvm killRepeatedly(
      WindowedFinalCount count,
      KilledFlow worker,
      WindowedInput input,
      TestKafka kafka,
      TestPostgres postgres) {
    return ChunkedKills.killRepeatedly(
        "windowed kill test " + count.run(),
        KILLS,
        input.size(),
        () -> KillWorker.start(worker, kafka, postgres, "w1"),
        (from, to) -> kafka.produce(input.records(count.words().name(), from, to)),
        () -> committed(count, kafka));
  }

  /** The sum of {@code count}'s committed offsets: inputs it has committed. */
  private static long committed(WindowedFinalCount count, TestKafka kafka) {
    return kafka.committedOffsets(count.flow().name(), count.words().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Rows of the words' windows, every one closed by the end of the input. */
  private long closedWindowRows(TestPostgres postgres) {
    return closedWindowRows(count, postgres);
  }

  private static long closedWindowRows(WindowedFinalCount count, TestPostgres postgres) {
    return postgres.queryLong("select count(*) from " + count.table() + " where id like 'w%@%'");
  }

  /** Each closed window's final count, published once, equal to {@code finals}; nothing else. */
  private void assertFinalCounts(Map<String, String> finals, TestKafka kafka) {
    assertFinalCounts(count, finals, kafka);
  }

  private static void assertFinalCounts(
      WindowedFinalCount count, Map<String, String> finals, TestKafka kafka) {
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
    EachOnce.assertEachOnce("final counts", finals, published);
  }

  /**
   * The reasons of {@code count}'s dead letters (at least {@code atLeast}) by the value of their
   * record, each saying it is late.
   */
  private static Map<String, List<String>> deadLetters(
      WindowedFinalCount count, int atLeast, TestKafka kafka) {
    Map<String, List<String>> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readCommitted(count.flow().deadLetterTopic(), atLeast, READ)) {
      String reason = utf8(r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
      assertTrue(
          reason.contains("late record")
              && reason.contains("grace " + WindowedFinalCount.WINDOWS.grace()),
          reason);
      dead.computeIfAbsent(utf8(r.value()), v -> new ArrayList<>()).add(reason);
    }
    return dead;
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
    EachOnce.assertEachOnce("dead letters", expected, dead);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
