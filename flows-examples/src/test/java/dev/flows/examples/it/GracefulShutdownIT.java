package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM stops a worker gracefully (docs/semantics.md, "Rebalances and shutdown"): it stops
 * polling, finishes the batch in flight, commits it and exits within a bound, so a restarted worker
 * neither loses nor repeats anything. A batch that does not finish within the drain timeout is left
 * uncommitted and replayed without counting twice.
 */
@FlowsServices
class GracefulShutdownIT {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdownIT.class);
  private static final int TOTAL = 6_000;

  /** Key k8, on a partition of 1,500 records, 750 after it: more than a batch (500) holds. */
  private static final String BLOCKED = "v3000";

  private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

  @Test
  void shouldCommitExactlyWhatItPublishedWhenStoppedWithABatchInFlight(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("drain");
    CountChecks checks = prepare(count, kafka, postgres);

    try (ChildJvm worker = startBlocked(count, kafka, postgres)) {
      worker.terminate();
      Awaits.until(
          EXIT_BOUND,
          "the worker to start draining its batch",
          () -> worker.output().contains("stopping, draining the batch") || !worker.isAlive());
      worker.writeLine("go");
      assertExits(worker, EXIT_BOUND);
      assertTrue(
          worker.output().contains("drained, the batch of"),
          "no drain logged:\n" + worker.output());
    }
    Set<String> committed = checks.assertPublishedExactlyTheCommitted(TOTAL);
    LOG.info("{} of {} records committed and published at the stop", committed.size(), TOTAL);
    assertTrue(committed.contains(BLOCKED), "the batch in flight was not committed");
    assertTrue(committed.size() < TOTAL, "it did not stop polling: everything was committed");

    finishAndAssertExactlyOnce(count, kafka, postgres, checks);
  }

  @Test
  void shouldLeaveTheBatchUncommittedWhenItOutlastsTheDrainTimeout(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("draintimeout");
    CountChecks checks = prepare(count, kafka, postgres);

    try (ChildJvm worker = startBlocked(count, kafka, postgres)) {
      long start = System.nanoTime();
      worker.terminate();
      assertExits(worker, CountWorker.DRAIN_TIMEOUT.plus(EXIT_BOUND));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(
          took.compareTo(CountWorker.DRAIN_TIMEOUT) >= 0,
          "gave up after " + took + ":\n" + worker.output());
      assertTrue(
          worker.output().contains("did not finish within"),
          "no drain timeout logged:\n" + worker.output());
    }
    // the batch never reached its state write, so it published nothing: still exactly the committed
    Set<String> committed = checks.assertPublishedExactlyTheCommitted(TOTAL);
    LOG.info("{} of {} records committed and published at the stop", committed.size(), TOTAL);
    assertFalse(committed.contains(BLOCKED), "the unfinished batch was committed");

    finishAndAssertExactlyOnce(count, kafka, postgres, checks);
  }

  private static CountChecks prepare(CountFlow count, TestKafka kafka, TestPostgres postgres) {
    CountChecks checks = new CountChecks(count, kafka, postgres, 16); // 16 keys: on all partitions
    checks.prepare(4);
    checks.produce(0, TOTAL);
    return checks;
  }

  /** A worker blocked inside the batch that holds {@link #BLOCKED}. */
  private static ChildJvm startBlocked(CountFlow count, TestKafka kafka, TestPostgres postgres) {
    ChildJvm worker =
        CountWorker.start(count, kafka, postgres, "w1", Map.of(CountWorker.BLOCK_ON, BLOCKED));
    Awaits.until(
        Duration.ofSeconds(90),
        "the worker to block inside a batch",
        () -> worker.output().contains("IN_BATCH") || !worker.isAlive());
    assertTrue(worker.isAlive(), "the worker died on its own:\n" + worker.output());
    return worker;
  }

  /**
   * The worker exits by itself within {@code bound}, with the code of a JVM stopped by SIGTERM
   * whose shutdown hook ran: 143, not 0, though the drain succeeded.
   */
  private static void assertExits(ChildJvm worker, Duration bound) {
    long start = System.nanoTime();
    OptionalInt exit = worker.awaitExit(bound);
    LOG.info("worker exited {} ms after the wait began", (System.nanoTime() - start) / 1_000_000);
    assertTrue(exit.isPresent(), "still running " + bound + " after SIGTERM:\n" + worker.output());
    assertEquals(ChildJvm.EXIT_ON_SIGTERM, exit.getAsInt(), "exit code:\n" + worker.output());
  }

  /** A fresh worker finishes the rest: every count exact, every count 1..n published once. */
  private static void finishAndAssertExactlyOnce(
      CountFlow count, TestKafka kafka, TestPostgres postgres, CountChecks checks) {
    try (ChildJvm worker = CountWorker.start(count, kafka, postgres, "w1", Map.of())) {
      Awaits.until(
          Duration.ofSeconds(90),
          "every record applied",
          () -> checks.appliedSum() >= TOTAL || !worker.isAlive());
      assertTrue(worker.isAlive(), "the worker died on its own:\n" + worker.output());
    }
    checks.assertExactCounts(TOTAL);
    checks.assertEachCountPublishedOnce(TOTAL);
  }
}
