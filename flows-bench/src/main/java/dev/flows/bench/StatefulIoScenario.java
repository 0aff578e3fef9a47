package dev.flows.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The I/O-bound stateful scenario: the stateful count on PostgreSQL with a 1 ms I/O call (a sleep)
 * in its state function per record, on one partition with 1,000 keys, at concurrency 1 and 8,
 * against the ideal {@code concurrency / 1 ms}: each of {@code concurrency} lanes doing nothing but
 * the call. Only the key lanes can run records at once here (one partition, one consumer), so the
 * ratio is what lanes deliver once batching, the state's load and write and publishing are paid. A
 * {@code sleep-only} row per concurrency measures plain threads making the same call and nothing
 * else: a loaded machine wakes a 1 ms sleep late, and no contender can beat that. Each run takes
 * {@value #RECORDS_PER_LANE} records per unit of concurrency, about ten ideal seconds; complete
 * when the group's committed offsets reach the count (every state written, every output
 * acknowledged).
 */
final class StatefulIoScenario implements Scenario {
  static final int IO_MS = 1;
  static final int KEYS = 1_000;
  static final int RECORDS_PER_LANE = 10_000;
  static final List<Integer> CONCURRENCY = List.of(1, 8);
  static final int SLEEP_ONLY_CALLS_PER_LANE = 2_000;

  @Override
  public String name() {
    return "stateful-io";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "count on PostgreSQL with a %d ms I/O call per record, 1 partition, %,d keys, %,d records"
            + " per unit of concurrency; until the committed offsets reach the count",
        IO_MS, KEYS, h.args().scaled(RECORDS_PER_LANE));
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int most = CONCURRENCY.stream().mapToInt(Integer::intValue).max().orElseThrow();
    String in = h.name("io-count-in");
    h.kafka().createTopic(in, 1);
    h.kafka().load(in, h.args().scaled(RECORDS_PER_LANE * most), KEYS);
    h.kafka().readThrough(in);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      for (int concurrency : CONCURRENCY) {
        String label = "flows+postgres c=" + concurrency;
        String tag = "c" + concurrency + "-r" + rep;
        String table = h.table("io_count_" + tag);
        samples.add(label, measure(h, label, tag, in, table, concurrency), note(h, table));
        samples.add(
            "sleep-only c=" + concurrency,
            sleepOnly(concurrency, h.args().scaled(SLEEP_ONLY_CALLS_PER_LANE)),
            "the call on " + concurrency + " plain thread(s), nothing else (bench JVM)");
      }
    }
    List<Result> results = new ArrayList<>(samples.results());
    for (int concurrency : CONCURRENCY) {
      results.add(
          Result.computed(
              name(),
              "ideal c=" + concurrency,
              concurrency * 1000.0 / IO_MS,
              "concurrency / " + IO_MS + " ms"));
    }
    return results;
  }

  private static Measurement measure(
      Harness h, String label, String tag, String in, String table, int concurrency)
      throws Exception {
    String out = h.name("io-count-out-" + tag);
    String group = h.name("io-count-" + tag);
    h.kafka().createTopic(out, 1);
    Params params =
        h.base()
            .with("in", in)
            .with("out", out)
            .with("name", group)
            .with(
                Params.of("store", "postgres", "table", table, "pgUrl", h.services().postgresUrl()))
            .with("concurrency", concurrency)
            .with("ioMs", IO_MS);
    int records = h.args().scaled(RECORDS_PER_LANE * concurrency);
    return h.measure(
        "stateful-io",
        label,
        "flows-count",
        params,
        records,
        () -> h.kafka().committedSum(group),
        List.of());
  }

  /**
   * {@code lanes} plain threads making {@code calls} I/O calls each and nothing else: what this
   * machine's sleep allows, since a loaded machine wakes a 1 ms sleep late.
   */
  private static Measurement sleepOnly(int lanes, int calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(lanes);
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int lane = 0; lane < lanes; lane++) {
        running.add(
            pool.submit(
                () -> {
                  for (int call = 0; call < calls; call++) {
                    Work.io(IO_MS);
                  }
                }));
      }
      for (Future<?> lane : running) {
        lane.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Measurement((long) lanes * calls, seconds, Double.NaN, startMillis);
  }

  private static String note(Harness h, String table) throws SQLException {
    return "FlowOptions concurrency; stored counts sum to "
        + StatefulScenario.sumAndDrop(h.services().postgresUrl(), table);
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows+postgres c=1", "ideal c=1", Double.NaN),
        new Comparison(name(), "flows+postgres c=8", "ideal c=8", 0.8),
        new Comparison(name(), "flows+postgres c=8", "sleep-only c=8", Double.NaN));
  }
}
