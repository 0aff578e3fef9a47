package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * G1 and G2 of docs/semantics.md across ten SIGKILLs of the count running in a child JVM, over 200k
 * records (under {@code make chaos}: about 70 s on a quiet machine). The same guarantees at
 * concurrency 8 with three kills, and against a zombie, run in {@code make test}: {@link
 * StatefulFaultIT}.
 */
@FlowsServices
class StatefulKillChaosIT {

  @Test
  void shouldCountEveryRecordOnceAndPublishItWhenTheWorkerIsKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    int total = 200_000;
    CountFlow count = new CountFlow("kill");
    CountChecks checks = new CountChecks(count, kafka, postgres, 1_000);
    checks.prepare(4);
    checks.produce(0, total);
    int kills = Kills.killRepeatedly(count, kafka, postgres, checks, 10, total, 2_000, 12_000);

    assertTrue(kills >= 10, "killed only " + kills + " times");
    checks.assertExactCounts(total);
    checks.assertEveryInputPublished(total);
  }
}
