package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zombies under exactly-once: a worker frozen with SIGSTOP in the middle of a batch, past its
 * session timeout, while a second worker takes its partitions and commits everything; thawed, the
 * zombie finishes its batch. Whichever fence stops it, a {@code read_committed} reader sees every
 * output once.
 */
@FlowsServices
class ExactlyOnceZombieIT {
  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceZombieIT.class);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int TOTAL = 2_000;
  private static final Pattern BATCH_FAILED = Pattern.compile("batch of \\d+ failed");
  private static final Pattern GENERATION_FENCED =
      Pattern.compile("did not commit: \\S*CommitFailedException|the batch was cancelled");

  /**
   * Frozen longer than the transaction timeout (10 s): either the broker has aborted the zombie's
   * transaction and bumped its producer epoch, so its sends fail when it resumes, or (the broker
   * checks timeouts every 10 s) its commit is refused for the group generation it lost.
   */
  @Test
  void shouldNeverCommitTheBatchOfAZombieFrozenPastItsTransactionTimeout(
      TestKafka kafka, TestPostgres postgres) {
    runZombie(kafka, postgres, "eoszombieepoch", Map.of(), BATCH_FAILED);
  }

  /**
   * With a transaction timeout of a minute its transaction outlives the freeze: its sends succeed
   * when it resumes, and its commit is refused for the group generation it lost (KIP-447), or its
   * batch cancelled as it finds the partitions lost. Meanwhile its open transaction holds {@code
   * read_committed} readers of its output partitions back.
   */
  @Test
  void shouldFenceAZombieByItsGroupGenerationWhenItsTransactionOutlivedTheFreeze(
      TestKafka kafka, TestPostgres postgres) {
    runZombie(
        kafka,
        postgres,
        "eoszombiegen",
        Map.of("FLOWS_KAFKA_TRANSACTION_TIMEOUT_MS", "60000"),
        GENERATION_FENCED);
  }

  private static void runZombie(
      TestKafka kafka,
      TestPostgres postgres,
      String run,
      Map<String, String> zombieEnv,
      Pattern fenced) {
    ChainFlows chain = new ChainFlows(run);
    ChainKills inputs = new ChainKills(chain, kafka, postgres, "exactly_once");
    inputs.prepare();
    inputs.produce(0, TOTAL);
    Map<String, String> env = new HashMap<>(zombieEnv);
    env.put(ChainWorker.BLOCK_ON, "v1000");
    try (ChildJvm zombie = ChainWorker.start(chain, 0, kafka, postgres, "exactly_once", "a", env)) {
      awaitOrShow(
          zombie, "the first worker inside a batch", () -> zombie.output().contains("IN_BATCH"));
      zombie.freeze();
      try (ChildJvm successor =
          ChainWorker.start(chain, 0, kafka, postgres, "exactly_once", "b", Map.of())) {
        awaitOrShow(
            successor,
            "the second worker to commit every input once its predecessor's session expired",
            () -> committedInputs(kafka, chain) == TOTAL);
        zombie.writeLine("go on");
        zombie.thaw();
        awaitOrShow(
            zombie,
            "the zombie's batch to fail (" + fenced + ")",
            () -> fenced.matcher(zombie.output()).find());

        LOG.info("{}: the zombie printed\n{}", run, zombie.output());
        Map<String, Integer> outputs = tagged(kafka, chain);
        assertEquals(TOTAL, outputs.size(), "inputs with an output");
        assertTrue(
            outputs.values().stream().allMatch(n -> n == 1),
            "every input published once; the zombie printed:\n" + zombie.output());
        assertTrue(successor.isAlive(), successor.output());
      }
    }
  }

  private static long committedInputs(TestKafka kafka, ChainFlows chain) {
    return kafka.committedOffsets(chain.names().get(0), chain.input().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Waits for {@code condition}; failing, shows what {@code worker} printed. */
  private static void awaitOrShow(ChildJvm worker, String what, BooleanSupplier condition) {
    try {
      Awaits.until(WAIT, what, () -> condition.getAsBoolean() || !worker.isAlive());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the worker printed:\n" + worker.output(), e);
    }
    assertTrue(worker.isAlive(), "the worker died:\n" + worker.output());
  }

  /** Outputs of the tag step per input value, as a {@code read_committed} reader sees them. */
  private static Map<String, Integer> tagged(TestKafka kafka, ChainFlows chain) {
    Map<String, Integer> perInput = new HashMap<>();
    kafka.forEachCommittedRecord(
        chain.tagged().name(),
        0,
        WAIT,
        r -> perInput.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
    return perInput;
  }
}
