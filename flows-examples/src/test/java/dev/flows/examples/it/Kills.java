package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link CountWorker} and kills it with SIGKILL after a random number of further records
 * were applied, again and again, then lets a last worker apply everything: the kill tests' loop.
 */
final class Kills {
  private static final Logger LOG = LoggerFactory.getLogger(Kills.class);
  private static final Duration STEP = Duration.ofSeconds(120);

  private Kills() {}

  /**
   * Kills a worker {@code kills} times, each after {@code minStep} plus up to {@code extraStep}
   * more records were applied, then waits for a last worker to apply all {@code total}. Returns the
   * kills done (fewer if everything was applied first).
   */
  static int killRepeatedly(
      CountFlow count,
      TestKafka kafka,
      TestPostgres postgres,
      CountChecks checks,
      int kills,
      int total,
      int minStep,
      int extraStep) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("kill test {} seed {}", count.run(), seed);
    int done = 0;
    while (done < kills && checks.appliedSum() < total - 1) {
      long before = checks.appliedSum();
      long target = Math.min(total - 1, before + minStep + random.nextInt(extraStep));
      try (ChildJvm worker = CountWorker.start(count, kafka, postgres, "w1", Map.of())) {
        Awaits.until(
            STEP,
            "the worker to apply " + target + " records",
            () -> checks.appliedSum() >= target || !worker.isAlive());
        assertTrue(worker.isAlive(), "the worker died on its own:\n" + worker.output());
        worker.kill();
      }
      done++;
      LOG.info("SIGKILL {} after {} records applied", done, checks.appliedSum());
    }
    try (ChildJvm worker = CountWorker.start(count, kafka, postgres, "w1", Map.of())) {
      Awaits.until(STEP, "every record applied", () -> checks.appliedSum() >= total);
    }
    return done;
  }
}
