package dev.flows.bench;

import dev.flows.FlowOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Scenario 1: a stateless map of 1M x 100 B records over 6 partitions. Flows (at the default batch
 * size and at the other candidate sizes) vs Kafka Streams {@code mapValues} vs a raw kafka-clients
 * loop, at-least-once; then Flows and Kafka Streams exactly-once. An at-least-once run is complete
 * when the output topic's end offsets reach the input count; an exactly-once run when the group's
 * committed offsets do (see {@code completion}).
 */
final class StatelessScenario implements Scenario {
  static final int RECORDS = 1_000_000;
  static final int PARTITIONS = 6;
  static final int KEYS = 10_000;

  /**
   * Batch sizes tried, to choose the default by measurement; the default's row is plain {@code
   * flows}.
   */
  static final List<Integer> BATCH_SIZES = List.of(FlowOptions.DEFAULT_MAX_RECORDS, 500, 2_000);

  @Override
  public String name() {
    return "stateless";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "map of %,d x %d B records, %d partitions; until the output's end offsets reach the count"
            + " (eos rows: until the committed offsets do)",
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
      atLeastOnce(h, samples, in, records, "-r" + rep);
      exactlyOnce(h, samples, in, records, "-r" + rep);
    }
    if (h.args().jfr()) {
      profile(h, in, records);
    }
    return samples.results();
  }

  /** One run of each at-least-once contender: raw clients, Kafka Streams, Flows per batch size. */
  private void atLeastOnce(Harness h, Samples samples, String in, int records, String r)
      throws Exception {
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

  /**
   * One run of each exactly-once contender: Kafka Streams {@code exactly_once_v2} and Flows at the
   * default batch size.
   */
  private void exactlyOnce(Harness h, Samples samples, String in, int records, String r)
      throws Exception {
    Params eos = Params.of(Params.GUARANTEE, Params.EXACTLY_ONCE);
    samples.add(
        "kafka-streams eos",
        measure(
            h,
            "kafka-streams eos",
            "streams-map",
            "streams-eos" + r,
            in,
            records,
            streamsParams(h).with(eos),
            List.of()),
        "exactly_once_v2, defaults (commit 100 ms)");
    samples.add(
        "flows eos",
        measure(h, "flows eos", "flows-map", "flows-eos" + r, in, records, flowsEos(), List.of()),
        "maxRecords="
            + FlowOptions.DEFAULT_MAX_RECORDS
            + ", EXACTLY_ONCE (a transaction per batch)");
  }

  private static Params flowsEos() {
    return Params.of(
        "maxRecords",
        Integer.toString(FlowOptions.DEFAULT_MAX_RECORDS),
        Params.GUARANTEE,
        Params.EXACTLY_ONCE);
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
    Params params =
        h.base().with("in", in).with("out", out).with("name", h.name("map-" + tag)).with(extra);
    return h.measure(name(), label, child, params, records, completion(h, params), flags);
  }

  /**
   * How far a run is. At-least-once: the output's end offsets (outputs acknowledged). Exactly-once:
   * the offsets the group (Flows' flow name, Kafka Streams' {@code application.id}) committed, as
   * the end offsets also count the transactions' commit markers; both commit them in the
   * transaction of their outputs, so the count is reached when the last transaction commits.
   */
  private static LongSupplier completion(Harness h, Params params) {
    String group = params.get("name");
    String out = params.get("out");
    return params.exactlyOnce()
        ? () -> h.kafka().committedSum(group)
        : () -> h.kafka().endOffsetsSum(out);
  }

  private static Params streamsParams(Harness h) {
    return Params.of(
        "stateDir", h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString());
  }

  /**
   * Two more Flows runs with a JFR recording, at-least-once and exactly-once; prints the hottest
   * frames of each measured interval. Not rows of the table.
   */
  private void profile(Harness h, String in, int records) throws Exception {
    int batch = FlowOptions.DEFAULT_MAX_RECORDS;
    profile(h, in, records, "flows", Params.of("maxRecords", Integer.toString(batch)));
    profile(h, in, records, "flows-eos", flowsEos());
  }

  private void profile(Harness h, String in, int records, String label, Params extra)
      throws Exception {
    Path recording = h.args().out().resolve(label + "-stateless.jfr").toAbsolutePath();
    Measurement m =
        measure(
            h,
            label + " (JFR on)",
            "flows-map",
            label + "-jfr",
            in,
            records,
            extra,
            JfrTop.flags(recording, h.args().out()));
    JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows", "kafka-streams", 1.5),
        new Comparison(name(), "flows", "raw-clients", 0.8),
        new Comparison(name(), "flows max=500", "flows", Double.NaN),
        new Comparison(name(), "flows max=2000", "flows", Double.NaN),
        new Comparison(name(), "flows eos", "kafka-streams eos", 1.5),
        new Comparison(name(), "flows eos", "flows", Double.NaN),
        Comparison.peakRss(name(), "flows", "kafka-streams", 1.0));
  }
}
