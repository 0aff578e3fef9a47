package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful guarantees of docs/semantics.md under process faults, with the count running in
 * child JVMs: G1 and G2 across three SIGKILLs at concurrency 8 (persistence ids applied on eight
 * lanes), G3 against a zombie frozen past its session timeout. Ten kills at concurrency 1 over 200k
 * records: {@link StatefulKillChaosIT}, under {@code make chaos}.
 */
@FlowsServices
class StatefulFaultIT {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulFaultIT.class);

  @Test
  void shouldCountEveryRecordOnceAndPublishItInOrderWhenAWorkerAtConcurrency8IsKilledThreeTimes(
      TestKafka kafka, TestPostgres postgres) {
    int total = 50_000;
    CountFlow count = new CountFlow("kill8", false, 8);
    CountChecks checks = new CountChecks(count, kafka, postgres, 1_000);
    checks.prepare(4);
    checks.produce(0, total);
    int kills = Kills.killRepeatedly(count, kafka, postgres, checks, 3, total, 2_000, 12_000);

    assertTrue(kills >= 3, "killed only " + kills + " times");
    checks.assertExactCounts(total);
    checks.assertEachKeysCountsFirstPublishedInOrder(checks.assertEveryInputPublished(total));
  }

  @Test
  void shouldRejectTheZombieWriteWhenAFrozenWorkerLostItsPartitions(
      TestKafka kafka, TestPostgres postgres) {
    int total = 20_000;
    CountFlow count = new CountFlow("zombie");
    CountChecks checks = new CountChecks(count, kafka, postgres, 100);
    checks.prepare(2);
    checks.produce(0, total);

    try (ChildJvm zombie =
        CountWorker.start(
            count, kafka, postgres, "zombie", Map.of(CountWorker.BLOCK_ON, "v5000"))) {
      Awaits.until(
          Duration.ofSeconds(90),
          "the zombie to block inside a batch",
          () -> zombie.output().contains("IN_BATCH"));
      zombie.freeze();
      try (ChildJvm owner = CountWorker.start(count, kafka, postgres, "owner", Map.of())) {
        Awaits.until(
            Duration.ofSeconds(120),
            "the new owner to apply every record",
            () -> checks.appliedSum() >= total);
        zombie.thaw();
        zombie.writeLine("go");
        Awaits.until(
            Duration.ofSeconds(60),
            "the zombie's write to be rejected",
            () -> zombie.output().contains("version conflict"));
        checks.assertExactCounts(total);
      }
    }
    checks.assertEveryInputPublished(total);
  }
}
