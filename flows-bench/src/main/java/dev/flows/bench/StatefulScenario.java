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
 * Scenario 2: a count per key over 10k keys. Flows on PostgreSQL, Flows in memory, Kafka Streams
 * {@code groupByKey().count()} on RocksDB. Complete when the group's committed offsets reach the
 * input count: every state change is stored and its outputs acknowledged.
 */
final class StatefulScenario implements Scenario {
  static final int RECORDS = 500_000;
  static final int PARTITIONS = 6;
  static final int KEYS = 10_000;

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
    Params streams =
        Params.of(
            "stateDir", h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString());
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      String r = "-r" + rep;
      samples.add(
          "kafka-streams",
          measure(
              h, "kafka-streams", "streams-count", "streams" + r, in, records, streams, List.of()),
          "RocksDB, at_least_once, commit 100 ms");
      String table = h.table("count_pg_r" + rep);
      Params pg =
          Params.of("store", "postgres", "table", table, "pgUrl", h.services().postgresUrl());
      Measurement postgres =
          measure(h, "flows+postgres", "flows-count", "pg" + r, in, records, pg, List.of());
      samples.add(
          "flows+postgres",
          postgres,
          "stored counts sum to " + sumAndDrop(h.services().postgresUrl(), table));
      Params memory = Params.of("store", "memory", "table", h.table("count_mem"));
      samples.add(
          "flows+memory",
          measure(h, "flows+memory", "flows-count", "mem" + r, in, records, memory, List.of()),
          "InMemoryStateStore");
    }
    if (h.args().jfr()) {
      profile(h, in, records);
    }
    return samples.results();
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
    Params params = h.base().with("in", in).with("out", out).with("name", group);
    for (var e : extra.values().entrySet()) {
      params = params.with(e.getKey(), e.getValue());
    }
    return h.measure(
        name(), label, child, params, records, () -> h.kafka().committedSum(group), flags);
  }

  /** The sum of the stored counts (should equal the input count), then drops the table. */
  private static long sumAndDrop(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      long sum = 0;
      try (ResultSet rows = s.executeQuery("SELECT state FROM \"" + table + "\"")) {
        while (rows.next()) {
          sum += Work.decodeCount(rows.getBytes(1));
        }
      }
      s.execute("DROP TABLE \"" + table + "\"");
      return sum;
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows+postgres", "kafka-streams", 1.0),
        new Comparison(name(), "flows+memory", "kafka-streams", 2.0));
  }
}
