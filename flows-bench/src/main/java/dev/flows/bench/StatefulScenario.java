package dev.flows.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Scenario 2: a count per key over 10k keys. Flows on PostgreSQL (at the default batch size and at
 * {@value #SMALL_BATCH}), Flows in memory, Kafka Streams {@code groupByKey().count()} on RocksDB,
 * at-least-once; then Flows on PostgreSQL and Kafka Streams exactly-once. Complete when the group's
 * committed offsets reach the input count: every state change is stored and its outputs
 * acknowledged (exactly-once: the offsets are committed in the transaction of the outputs, so the
 * last transaction has committed).
 */
final class StatefulScenario implements Scenario {
  static final int RECORDS = 500_000;
  static final int PARTITIONS = 6;
  static final int KEYS = 10_000;

  /** The batch size of the {@link #SMALL_BATCHES} row: the default until 2026-12-02. */
  static final int SMALL_BATCH = 2_000;

  /** Flows on PostgreSQL with batches of {@link #SMALL_BATCH}, beside the default's row. */
  static final String SMALL_BATCHES = "flows+postgres max=" + SMALL_BATCH;

  /** The end of the labels of the rows publishing each batch's last count per key. */
  static final String LATEST = " latest";

  @Override
  public String name() {
    return "stateful";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "count over %,d keys, %,d records, %d partitions; until the committed offsets reach the count",
        KEYS, h.args().scaled(RECORDS), PARTITIONS);
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int records = h.args().scaled(RECORDS);
    String in = h.name("count-in");
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().load(in, records, KEYS);
    h.kafka().readThrough(in);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      atLeastOnce(h, samples, in, records, rep);
      exactlyOnce(h, samples, in, records, rep);
    }
    if (h.args().jfr()) {
      profile(h, in, records);
    }
    return samples.results();
  }

  /**
   * One run of each at-least-once contender: Kafka Streams, Flows on PostgreSQL (at the default
   * batch size and at {@value #SMALL_BATCH}), in memory, and both publishing each batch's last
   * count per key ({@code emitLatestPerBatch()}). Each note says how many outputs the run
   * published.
   */
  private void atLeastOnce(Harness h, Samples samples, String in, int records, int rep)
      throws Exception {
    String r = "-r" + rep;
    samples.add(
        "kafka-streams",
        measure(h, "kafka-streams", "streams-count", "streams" + r, in, records, streamsParams(h)),
        "RocksDB, at_least_once, commit 100 ms; " + outputs(h, "streams" + r));
    postgres(h, samples, "flows+postgres", "pg" + r, in, records, Params.of(), "");
    postgres(
        h,
        samples,
        SMALL_BATCHES,
        "pg-small" + r,
        in,
        records,
        Params.of("maxRecords", Integer.toString(SMALL_BATCH)),
        "maxRecords=" + SMALL_BATCH + " (the default before 2026-12-02); ");
    postgres(
        h,
        samples,
        "flows+postgres" + LATEST,
        "pg-latest" + r,
        in,
        records,
        Params.of("latest", "true"),
        "emitLatestPerBatch(); ");
    memory(h, samples, "flows+memory", "mem" + r, in, records, Params.of(), "InMemoryStateStore");
    memory(
        h,
        samples,
        "flows+memory" + LATEST,
        "mem-latest" + r,
        in,
        records,
        Params.of("latest", "true"),
        "InMemoryStateStore, emitLatestPerBatch()");
  }

  /** One run of Flows on PostgreSQL with {@code extra} parameters, its note after {@code note}. */
  private void postgres(
      Harness h,
      Samples samples,
      String label,
      String tag,
      String in,
      int records,
      Params extra,
      String note)
      throws Exception {
    String table = h.table("count_" + tag.replace('-', '_'));
    Measurement m =
        measure(h, label, "flows-count", tag, in, records, pgParams(h, table).with(extra));
    samples.add(
        label,
        m,
        note
            + "stored counts sum to "
            + sumAndDrop(h.services().postgresUrl(), table)
            + "; "
            + outputs(h, tag));
  }

  /** One run of Flows in memory with {@code extra} parameters. */
  private void memory(
      Harness h,
      Samples samples,
      String label,
      String tag,
      String in,
      int records,
      Params extra,
      String note)
      throws Exception {
    Params memory = Params.of("store", "memory", "table", h.table("count_mem")).with(extra);
    samples.add(
        label,
        measure(h, label, "flows-count", tag, in, records, memory),
        note + "; " + outputs(h, tag));
  }

  /** How many records the output topic of the run {@code tag} holds (at-least-once runs). */
  private static String outputs(Harness h, String tag) {
    return String.format("%,d outputs", h.kafka().endOffsetsSum(h.name("count-out-" + tag)));
  }

  /**
   * One run of each exactly-once contender: Kafka Streams {@code exactly_once_v2} and Flows on
   * PostgreSQL.
   */
  private void exactlyOnce(Harness h, Samples samples, String in, int records, int rep)
      throws Exception {
    String r = "-r" + rep;
    Params eos = Params.of(Params.GUARANTEE, Params.EXACTLY_ONCE);
    samples.add(
        "kafka-streams eos",
        measure(
            h,
            "kafka-streams eos",
            "streams-count",
            "streams-eos" + r,
            in,
            records,
            streamsParams(h).with(eos),
            List.of()),
        "RocksDB, exactly_once_v2, commit 100 ms");
    String table = h.table("count_pg_eos_r" + rep);
    Measurement postgres =
        measure(
            h,
            "flows+postgres eos",
            "flows-count",
            "pg-eos" + r,
            in,
            records,
            pgParams(h, table).with(eos),
            List.of());
    samples.add(
        "flows+postgres eos",
        postgres,
        "EXACTLY_ONCE; stored counts sum to " + sumAndDrop(h.services().postgresUrl(), table));
  }

  private static Params streamsParams(Harness h) {
    return Params.of(
        "stateDir", h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString());
  }

  private static Params pgParams(Harness h, String table) {
    return Params.of("store", "postgres", "table", table, "pgUrl", h.services().postgresUrl());
  }

  /**
   * One more Flows in-memory run with a JFR recording; prints the hottest frames of the measured
   * interval. Not a row of the table.
   */
  private void profile(Harness h, String in, int records) throws Exception {
    Path recording = h.args().out().resolve("flows-stateful.jfr").toAbsolutePath();
    Params memory = Params.of("store", "memory", "table", h.table("count_mem"));
    Measurement m =
        measure(
            h,
            "flows+memory (JFR on)",
            "flows-count",
            "mem-jfr",
            in,
            records,
            memory,
            JfrTop.flags(recording, h.args().out()));
    JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
  }

  private Measurement measure(
      Harness h, String label, String child, String tag, String in, int records, Params extra)
      throws Exception {
    return measure(h, label, child, tag, in, records, extra, List.of());
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
    String out = h.name("count-out-" + tag);
    String group = h.name("count-" + tag);
    h.kafka().createTopic(out, PARTITIONS);
    Params params = h.base().with("in", in).with("out", out).with("name", group).with(extra);
    return h.measure(
        name(), label, child, params, records, () -> h.kafka().committedSum(group), flags);
  }

  /** The sum of the stored counts (should equal the input count), then drops the table. */
  static long sumAndDrop(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      long sum = 0;
      try (ResultSet rows = s.executeQuery("SELECT state FROM \"" + table + "\"")) {
        while (rows.next()) {
          sum += Work.decodeCount(rows.getBytes(1));
        }
      }
      s.execute("DROP TABLE \"" + table + "\" CASCADE"); // with its _json view
      return sum;
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows+postgres", "kafka-streams", 1.0),
        new Comparison(name(), "flows+memory", "kafka-streams", 2.0),
        new Comparison(name(), "flows+postgres eos", "kafka-streams eos", 1.0),
        new Comparison(name(), "flows+postgres eos", "flows+postgres", Double.NaN),
        new Comparison(name(), "flows+postgres", SMALL_BATCHES, Double.NaN),
        new Comparison(name(), "flows+postgres" + LATEST, "kafka-streams", Double.NaN),
        new Comparison(name(), "flows+memory" + LATEST, "kafka-streams", Double.NaN),
        Comparison.peakRss(name(), "flows+postgres", "kafka-streams", 1.0),
        Comparison.peakRss(name(), "flows+memory", "kafka-streams", 1.0));
  }
}
