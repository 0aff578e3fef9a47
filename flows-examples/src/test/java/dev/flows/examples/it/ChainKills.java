package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.postgres.PostgresStateStore;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill loop of the chain tests: the three steps of the {@link ChainFlows}, each in a {@link
 * ChainWorker} JVM of its own, killed with SIGKILL in turn at random points and restarted, then
 * left to finish; and what its end topic holds, read as a {@code read_committed} consumer. Record
 * {@code i} has key {@code k<i % keys>} and value {@code v<i>}.
 */
final class ChainKills {
  private static final Logger LOG = LoggerFactory.getLogger(ChainKills.class);
  private static final Duration STEP = Duration.ofSeconds(120);
  private static final Duration READ = Duration.ofSeconds(180);
  private static final int KEYS = 100;
  private static final int STEPS = 3;

  /**
   * What the end topic held: outputs per {@code input value}, and the counts each key reached, each
   * as often as it was published.
   */
  record Outcome(
      long outputs, Map<String, Integer> perInput, Map<String, List<Long>> countsPerKey) {
    /** Outputs beyond one per input. */
    long duplicates() {
      return perInput.values().stream().mapToLong(n -> n - 1).sum();
    }
  }

  private final ChainFlows chain;
  private final TestKafka kafka;
  private final TestPostgres postgres;
  private final String guarantee;

  ChainKills(ChainFlows chain, TestKafka kafka, TestPostgres postgres, String guarantee) {
    this.chain = chain;
    this.kafka = kafka;
    this.postgres = postgres;
    this.guarantee = guarantee;
  }

  /** Creates the topics (4 partitions) and the state table. */
  void prepare() {
    chain.topics().forEach(t -> kafka.createTopic(t.name(), 4));
    chain.names().forEach(n -> kafka.createTopic(n + ".dlq", 1));
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      store.table(chain.table());
    }
  }

  /** Produces inputs {@code from} (inclusive) to {@code to} (exclusive). */
  void produce(int from, int to) {
    List<byte[][]> records = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      records.add(new byte[][] {bytes("k" + (i % KEYS)), bytes("v" + i)});
    }
    kafka.produce(chain.input().name(), records);
  }

  /**
   * Runs each step in a worker JVM of its own and kills one with SIGKILL {@code kills} times, the
   * steps in turn. The {@code total} inputs are produced in {@code kills + 1} chunks, one per
   * round, so every kill lands while records flow: in round {@code r} the chunk is produced and a
   * step is killed once the first step has committed a random point of it. Then the rest is
   * produced, the workers publish an output of every input, and they are stopped.
   */
  void killRepeatedly(int kills, int total) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("chain kill test {} ({}) seed {}", chain.run(), guarantee, seed);
    int chunk = total / (kills + 1);
    List<ChildJvm> workers = new ArrayList<>();
    try {
      for (int step = 0; step < STEPS; step++) {
        workers.add(start(step));
      }
      for (int round = 0; round < kills; round++) {
        produce(round * chunk, (round + 1) * chunk);
        long target = (long) round * chunk + chunk / 4 + random.nextInt(chunk / 2);
        Awaits.until(
            STEP,
            "the first step to commit input " + target,
            () -> firstStepCommitted() >= target || anyDied(workers));
        assertAlive(workers);
        int step = round % STEPS;
        workers.get(step).kill();
        workers.get(step).close();
        workers.set(step, start(step));
        LOG.info("SIGKILL {} of step {} at input {}", round + 1, step, target);
      }
      produce(kills * chunk, total);
      Awaits.until(
          STEP,
          "an output of every input committed at the end of the chain",
          () -> outcome().perInput().size() >= total || anyDied(workers));
      assertAlive(workers);
      for (ChildJvm worker : workers) {
        worker.terminate();
        assertEquals(ChildJvm.EXIT_ON_SIGTERM, worker.awaitExit(STEP).orElse(-1), worker::output);
      }
    } finally {
      workers.forEach(ChildJvm::close);
    }
  }

  private ChildJvm start(int step) {
    return ChainWorker.start(chain, step, kafka, postgres, guarantee, "w1", Map.of());
  }

  private static boolean anyDied(List<ChildJvm> workers) {
    return workers.stream().anyMatch(w -> !w.isAlive());
  }

  private static void assertAlive(List<ChildJvm> workers) {
    for (ChildJvm worker : workers) {
      assertTrue(worker.isAlive(), "a worker died on its own:\n" + worker.output());
    }
  }

  /** The end topic as a {@code read_committed} consumer sees it. */
  Outcome outcome() {
    Map<String, Integer> perInput = new HashMap<>();
    Map<String, List<Long>> countsPerKey = new HashMap<>();
    long outputs =
        kafka.forEachCommittedRecord(
            chain.output().name(),
            0,
            READ,
            r -> {
              String value = new String(r.value(), StandardCharsets.UTF_8); // done <n>:tv<i>
              int colon = value.indexOf(':');
              long count = Long.parseLong(value.substring("done ".length(), colon));
              perInput.merge(value.substring(colon + 2), 1, Integer::sum);
              countsPerKey
                  .computeIfAbsent(
                      new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                  .add(count);
            });
    return new Outcome(outputs, perInput, countsPerKey);
  }

  /**
   * Asserts {@code outcome} holds each of {@code total} inputs exactly once, and per key each count
   * from 1 to the key's inputs exactly once, and the stored counts equal the inputs per key.
   */
  void assertExactlyOnce(Outcome outcome, int total) {
    assertEquals(0, outcome.duplicates(), "outputs published more than once");
    assertEquals(total, outcome.perInput().size(), "inputs with an output");
    for (int k = 0; k < KEYS; k++) {
      int inputs = total / KEYS + (k < total % KEYS ? 1 : 0);
      List<Long> counts = new ArrayList<>(outcome.countsPerKey().get("k" + k));
      counts.sort(null);
      List<Long> expected = new ArrayList<>();
      for (long n = 1; n <= inputs; n++) {
        expected.add(n);
      }
      assertEquals(expected, counts, "the counts k" + k + " reached");
      assertEquals(
          inputs,
          postgres.queryLong(
              "select convert_from(state, 'UTF8')::bigint from "
                  + chain.table()
                  + " where id = 'k"
                  + k
                  + "'"),
          "the stored count of k" + k);
    }
  }

  /** The sum of the first step's committed offsets: inputs it has committed. */
  private long firstStepCommitted() {
    return kafka.committedOffsets(chain.names().get(0), chain.input().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
