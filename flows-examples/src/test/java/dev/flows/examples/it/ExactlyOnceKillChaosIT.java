package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExactlyOnceKillIT} at length, under {@code make chaos}: ten SIGKILLs over 200,000 records
 * through the chain of three flows, exactly-once; then the same run at-least-once, whose duplicates
 * it reports (what exactly-once removes).
 */
@FlowsServices
class ExactlyOnceKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceKillChaosIT.class);
  private static final int TOTAL = 200_000;
  private static final int KILLS = 30;

  @Test
  void shouldPublishEveryInputAndEveryCountOnceWhenEachStepOfAChainOfThreeIsKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    ChainKills chain = new ChainKills(new ChainFlows("eoschaos"), kafka, postgres, "exactly_once");
    chain.prepare();
    long start = System.nanoTime();

    chain.killRepeatedly(KILLS, TOTAL);

    ChainKills.Outcome outcome = chain.outcome();
    LOG.info(
        "exactly-once: {} outputs for {} inputs after {} kills in {} s",
        outcome.outputs(),
        TOTAL,
        KILLS,
        (System.nanoTime() - start) / 1_000_000_000);
    chain.assertExactlyOnce(outcome, TOTAL);
  }

  @Test
  void shouldLoseNothingAtLeastOnceAndReportTheDuplicatesExactlyOnceRemoves(
      TestKafka kafka, TestPostgres postgres) {
    ChainKills chain =
        new ChainKills(new ChainFlows("aloschaos"), kafka, postgres, "at_least_once");
    chain.prepare();

    chain.killRepeatedly(KILLS, TOTAL);

    ChainKills.Outcome outcome = chain.outcome();
    LOG.info(
        "at-least-once: {} outputs for {} inputs after {} kills: {} duplicates",
        outcome.outputs(),
        TOTAL,
        KILLS,
        outcome.duplicates());
    assertEquals(TOTAL, outcome.perInput().size(), "inputs with an output: none lost");
  }
}
