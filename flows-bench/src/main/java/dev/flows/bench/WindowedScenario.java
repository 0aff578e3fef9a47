package dev.flows.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Issue 17: a count per word and tumbling event-time window, final results. Kafka Streams {@code
 * windowedBy(...).count().suppress(untilWindowCloses)} on RocksDB against Flows {@code
 * .windowedBy(windows)} on PostgreSQL and in memory ({@link FlowsContender#windows()}), all
 * at-least-once, on the same {@link WordEvents}. Complete when the group's committed offsets reach
 * the input count, so records/s counts input records whatever the number of outputs.
 */
final class WindowedScenario implements Scenario {
  static final int RECORDS = 500_000;
  static final int PARTITIONS = 6;

  /** The size of the tumbling windows. */
  static final Duration WINDOW = Duration.ofSeconds(10);

  /** How long after its end a window accepts records: above {@link WordEvents#MAX_DELAY_MILLIS}. */
  static final Duration GRACE = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "windowed";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "count per word (%,d words) and tumbling %d s window, grace %d s, %,d records, %d per ms"
            + " of event time, 1 in %d up to %d s older, %d partitions; until the committed"
            + " offsets reach the count",
        WordEvents.VOCABULARY,
        WINDOW.toSeconds(),
        GRACE.toSeconds(),
        h.args().scaled(RECORDS),
        WordEvents.RECORDS_PER_MILLI,
        WordEvents.OUT_OF_ORDER_EVERY,
        WordEvents.MAX_DELAY_MILLIS / 1000,
        PARTITIONS);
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int records = h.args().scaled(RECORDS);
    String in = h.name("windowed-in");
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().load(in, records, WordEvents.endingAt(System.currentTimeMillis(), records));
    h.kafka().readThrough(in);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      runOnce(h, samples, in, records, "-r" + rep);
    }
    return samples.results();
  }

  /** One run of each contender: Kafka Streams, Flows on PostgreSQL, Flows in memory. */
  private void runOnce(Harness h, Samples samples, String in, int records, String r)
      throws Exception {
    String stateDir = h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString();
    measure(
        h,
        samples,
        new Contender(
            "kafka-streams",
            "streams-windowed-count",
            Params.of("stateDir", stateDir),
            "RocksDB, suppress(untilWindowCloses(unbounded())), at_least_once, commit 100 ms"),
        in,
        records,
        "streams" + r);
    String windows = FlowsContender.windows().toString();
    String table = h.table("windowed_pg" + r);
    String url = h.services().postgresUrl();
    Params postgres = Params.of("store", "postgres", "table", table, "pgUrl", url);
    measure(
        h,
        samples,
        new Contender("flows+postgres", "flows-windowed-count", postgres, windows),
        in,
        records,
        "pg" + r);
    drop(url, table);
    Params memory = Params.of("store", "memory", "table", h.table("windowed_mem"));
    measure(
        h,
        samples,
        new Contender("flows+memory", "flows-windowed-count", memory, windows + ", in memory"),
        in,
        records,
        "mem" + r);
  }

  /**
   * A contender of this scenario.
   *
   * @param label its row in the table
   * @param child the {@link ChildMain} contender
   * @param params its own parameters, beside the topics and the group
   * @param note the row's note, before the number of outputs
   */
  private record Contender(String label, String child, Params params, String note) {}

  /**
   * Runs {@code contender} once with an output topic and group of its own and adds the run to
   * {@code samples}, its note followed by the number of outputs it published.
   */
  private void measure(
      Harness h, Samples samples, Contender contender, String in, int records, String tag)
      throws Exception {
    String out = h.name("windowed-out-" + tag);
    String group = h.name("windowed-" + tag);
    h.kafka().createTopic(out, PARTITIONS);
    Params params =
        h.base().with("in", in).with("out", out).with("name", group).with(contender.params());
    Measurement m =
        h.measure(
            name(),
            contender.label(),
            contender.child(),
            params,
            records,
            () -> h.kafka().committedSum(group),
            List.of());
    String note = String.format("%s; %,d outputs", contender.note(), h.kafka().endOffsetsSum(out));
    samples.add(contender.label(), m, note);
  }

  static void drop(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS \"" + table + "\" CASCADE"); // with its _json view
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows+postgres", "kafka-streams", 1.0),
        new Comparison(name(), "flows+memory", "kafka-streams", Double.NaN),
        Comparison.peakRss(name(), "flows+postgres", "kafka-streams", 1.0),
        Comparison.peakRss(name(), "flows+memory", "kafka-streams", 1.0));
  }
}
