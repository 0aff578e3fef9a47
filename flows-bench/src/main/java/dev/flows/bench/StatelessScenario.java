package dev.flows.bench;

import dev.flows.FlowOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Scenario 1: a stateless map of 1M x 100 B records over 6 partitions. Flows (at the default batch
 * size and at the other candidate sizes) vs Kafka Streams {@code mapValues} vs a raw kafka-clients
 * loop. Complete when the output topic's end offsets reach the input count.
 */
final class StatelessScenario implements Scenario {
  static final int RECORDS = 1_000_000;
  static final int PARTITIONS = 6;
  static final int KEYS = 10_000;

  /**
   * Batch sizes tried, to choose the default by measurement; the default's row is plain {@code
   * flows}.
   */
  static final List<Integer> BATCH_SIZES = List.of(FlowOptions.DEFAULT_MAX_RECORDS, 500, 5_000);

  @Override
  public String name() {
    return "stateless";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "map of %,d x %d B records, %d partitions; until the output's end offsets reach the count",
        h.args().scaled(RECORDS), KafkaOps.VALUE_BYTES, PARTITIONS);
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int records = h.args().scaled(RECORDS);
    String in = h.name("map-in");
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().load(in, records, KEYS);
    h.kafka().readThrough(in);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      String r = "-r" + rep;
      samples.add(
          "raw-clients",
          measure(h, "raw-clients", "raw-map", "raw" + r, in, records, Params.of(), List.of()),
          "poll 2000, flush, commitSync");
      samples.add(
          "kafka-streams",
          measure(
              h,
              "kafka-streams",
              "streams-map",
              "streams" + r,
              in,
              records,
              streamsParams(h),
              List.of()),
          "at_least_once, defaults");
      for (int size : BATCH_SIZES) {
        String label = size == FlowOptions.DEFAULT_MAX_RECORDS ? "flows" : "flows max=" + size;
        samples.add(
            label,
            measure(
                h,
                label,
                "flows-map",
                "flows" + size + r,
                in,
                records,
                Params.of("maxRecords", Integer.toString(size)),
                List.of()),
            "maxRecords=" + size);
      }
    }
    if (h.args().jfr()) {
      profile(h, in, records);
    }
    return samples.results();
  }

  private Measurement measure(
      Harness h,
      String label,
      String child,
      String tag,
      String in,
      int records,
      Params extra,
      List<String> flags)
      throws Exception {
    String out = h.name("map-out-" + tag);
    h.kafka().createTopic(out, PARTITIONS);
    Params params = h.base().with("in", in).with("out", out).with("name", h.name("map-" + tag));
    for (var e : extra.values().entrySet()) {
      params = params.with(e.getKey(), e.getValue());
    }
    return h.measure(
        name(), label, child, params, records, () -> h.kafka().endOffsetsSum(out), flags);
  }

  private static Params streamsParams(Harness h) {
    return Params.of(
        "stateDir", h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString());
  }

  /**
   * One more Flows run with a JFR recording; prints the hottest frames of the measured interval.
   * Not a row of the table.
   */
  private void profile(Harness h, String in, int records) throws Exception {
    Path recording = h.args().out().resolve("flows-stateless.jfr").toAbsolutePath();
    List<String> flags = JfrTop.flags(recording, h.args().out());
    int batch = FlowOptions.DEFAULT_MAX_RECORDS;
    Measurement m =
        measure(
            h,
            "flows (JFR on)",
            "flows-map",
            "flows" + batch + "-jfr",
            in,
            records,
            Params.of("maxRecords", Integer.toString(batch)),
            flags);
    JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows", "kafka-streams", 1.5),
        new Comparison(name(), "flows", "raw-clients", 0.8),
        new Comparison(name(), "flows max=500", "flows", Double.NaN),
        new Comparison(name(), "flows max=5000", "flows", Double.NaN));
  }
}
