package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill loop of the windowed and session kill tests: the input is produced in {@code kills + 1}
 * chunks, one per round, and the worker is killed with SIGKILL once it committed a random point of
 * each round's chunk, so every kill lands while records flow.
 */
final class ChunkedKills {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkedKills.class);
  private static final Duration STEP = Duration.ofSeconds(120);

  /** Produces the input's records {@code from} (inclusive) to {@code to} (exclusive). */
  @FunctionalInterface
  interface Producer {
    void produce(int from, int to);
  }

  private ChunkedKills() {}

  /**
   * Starts a worker with {@code start}, then {@code kills} times produces the next chunk of the
   * {@code size} records, waits for {@code committed} (the inputs the flow committed) to reach a
   * random point of it, kills the worker and starts another; then produces the rest and returns the
   * last worker once it committed everything.
   */
  static ChildJvm killRepeatedly(
      String test,
      int kills,
      int size,
      Supplier<ChildJvm> start,
      Producer producer,
      LongSupplier committed) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("{} seed {}", test, seed);
    int chunk = size / (kills + 1);
    ChildJvm worker = start.get();
    try {
      for (int round = 0; round < kills; round++) {
        producer.produce(round * chunk, (round + 1) * chunk);
        long target = (long) round * chunk + chunk / 4 + random.nextInt(chunk / 2);
        awaitCommitted(worker, target, committed);
        worker.kill();
        worker.close();
        worker = start.get();
        LOG.info("SIGKILL {} at input {}", round + 1, target);
      }
      producer.produce(kills * chunk, size);
      awaitCommitted(worker, size, committed);
      return worker;
    } catch (RuntimeException | Error e) {
      worker.close();
      throw e;
    }
  }

  private static void awaitCommitted(ChildJvm worker, long target, LongSupplier committed) {
    Awaits.until(
        STEP,
        "the worker to commit input " + target,
        () -> committed.getAsLong() >= target || !worker.isAlive());
    assertTrue(worker.isAlive(), "the worker died on its own:\n" + worker.output());
  }
}
