package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * G1' and G2' under many crashes, with every row fed by partitions of two merged topics: a count
 * killed with SIGKILL 20 times over 1M records. Long, so it runs under {@code make chaos}, not
 * {@code make test} (each kill costs a worker start and a rejoin, about 2 s with static
 * membership).
 */
@FlowsServices
class MergedKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(MergedKillChaosIT.class);

  @Test
  void shouldCountEveryRecordOnceAndPublishEveryCountWhenAWorkerOfTwoMergedTopicsIsKilled20Times(
      TestKafka kafka, TestPostgres postgres) {
    int total = 1_000_000;
    CountFlow count = new CountFlow("mergedkill", true);
    CountChecks checks = new CountChecks(count, kafka, postgres, 1_000);
    checks.prepare(4);
    checks.produce(0, total);
    long start = System.nanoTime();

    int kills = Kills.killRepeatedly(count, kafka, postgres, checks, 20, total, 15_000, 30_000);

    LOG.info(
        "{} kills over {} records in {} s",
        kills,
        total,
        (System.nanoTime() - start) / 1_000_000_000);
    assertEquals(20, kills, "killed only " + kills + " times");
    checks.assertExactCounts(total);
    long outputs = checks.assertEveryInputPublishedStreaming(total);
    LOG.info(
        "{} outputs for {} inputs: {} re-emitted after kills", outputs, total, outputs - total);
  }
}
