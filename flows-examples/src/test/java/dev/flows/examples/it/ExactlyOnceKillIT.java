package dev.flows.examples.it;

import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once through a chain of three flows (stateless, stateful on PostgreSQL, stateless), each
 * in a worker JVM of its own, each killed with SIGKILL once at a random point: a {@code
 * read_committed} reader of the chain's end sees every input once and every count once. The long
 * version, ten kills of each step over 200,000 records, is {@link ExactlyOnceKillChaosIT}.
 */
@FlowsServices
class ExactlyOnceKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceKillIT.class);

  @Test
  void shouldPublishEveryInputAndEveryCountOnceWhenEachStepOfAChainOfThreeIsKilled(
      TestKafka kafka, TestPostgres postgres) {
    int total = 30_000;
    ChainKills chain = new ChainKills(new ChainFlows("eoskill"), kafka, postgres, "exactly_once");
    chain.prepare();

    chain.killRepeatedly(3, total);

    ChainKills.Outcome outcome = chain.outcome();
    LOG.info("{} outputs for {} inputs after 3 kills", outcome.outputs(), total);
    chain.assertExactlyOnce(outcome, total);
  }
}
