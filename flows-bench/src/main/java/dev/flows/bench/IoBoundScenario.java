package dev.flows.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4: an I/O-bound step (a 5 ms sleep per record) on one partition with 1,000 keys, at
 * concurrency 1, 10 and 100, against the ideal {@code concurrency / 5 ms}. Each run takes {@value
 * #RECORDS_PER_LANE} records per unit of concurrency (at most the loaded count), so every run lasts
 * about ten ideal seconds (five at 100) rather than a fraction of one.
 */
final class IoBoundScenario implements Scenario {
  static final int SLEEP_MS = 5;
  static final int KEYS = 1_000;
  static final int RECORDS_PER_LANE = 2_000;
  static final int MAX_RECORDS = 100_000;
  static final List<Integer> CONCURRENCY = List.of(1, 10, 100);

  @Override
  public String name() {
    return "io-bound";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "%d ms sleep per record, 1 partition, %,d keys, %,d records per unit of concurrency (at most %,d)",
        SLEEP_MS, KEYS, h.args().scaled(RECORDS_PER_LANE), h.args().scaled(MAX_RECORDS));
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    String in = h.name("slow-in");
    h.kafka().createTopic(in, 1);
    h.kafka().load(in, h.args().scaled(MAX_RECORDS), KEYS);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      for (int concurrency : CONCURRENCY) {
        int records = h.args().scaled(Math.min(MAX_RECORDS, RECORDS_PER_LANE * concurrency));
        String tag = "c" + concurrency + "-r" + rep;
        String out = h.name("slow-out-" + tag);
        h.kafka().createTopic(out, 1);
        Params params =
            h.base()
                .with("in", in)
                .with("out", out)
                .with("name", h.name("slow-" + tag))
                .with("concurrency", concurrency)
                .with("sleepMs", SLEEP_MS);
        String label = "flows c=" + concurrency;
        samples.add(
            label,
            h.measure(
                name(),
                label,
                "flows-slow",
                params,
                records,
                () -> h.kafka().endOffsetsSum(out),
                List.of()),
            "FlowOptions concurrency " + concurrency);
      }
    }
    List<Result> results = new ArrayList<>(samples.results());
    for (int concurrency : CONCURRENCY) {
      results.add(
          Result.computed(
              name(),
              "ideal c=" + concurrency,
              concurrency * 1000.0 / SLEEP_MS,
              "concurrency / 5 ms"));
    }
    return results;
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows c=1", "ideal c=1", Double.NaN),
        new Comparison(name(), "flows c=10", "ideal c=10", Double.NaN),
        new Comparison(name(), "flows c=100", "ideal c=100", 0.8));
  }
}
