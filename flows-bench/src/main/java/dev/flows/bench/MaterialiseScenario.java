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
 * Scenario 3: materialise 1M rows (one per distinct key) into PostgreSQL with {@code
 * Flows.materialise} vs a binary COPY of the same rows read from the same topic ({@link
 * CopyContender}). Complete when the group's committed offsets reach the count, that is when the
 * last row is committed in the database; then the table's row count is checked and it is dropped.
 */
final class MaterialiseScenario implements Scenario {
  static final int ROWS = 1_000_000;
  static final int PARTITIONS = 6;

  @Override
  public String name() {
    return "materialise";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "%,d rows (distinct keys, 100 B values), %d partitions; until the committed offsets reach the count",
        h.args().scaled(ROWS), PARTITIONS);
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int rows = h.args().scaled(ROWS);
    String in = h.name("rows-in");
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().load(in, rows, rows);
    h.kafka().readThrough(in);
    String url = h.services().postgresUrl();
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      String copyTable = h.table("copy_r" + rep);
      sql(url, "CREATE TABLE \"" + copyTable + "\" (id text PRIMARY KEY, value text)");
      Measurement copy =
          measure(h, "binary-copy", "copy-rows", "copy-r" + rep, in, rows, copyTable);
      samples.add(
          "binary-copy",
          copy,
          "COPY FROM STDIN (FORMAT binary) per poll; " + countAndDrop(url, copyTable) + " rows");
      String flowsTable = h.table("rows_r" + rep);
      Measurement flows =
          measure(h, "flows", "flows-materialise", "flows-r" + rep, in, rows, flowsTable);
      samples.add(
          "flows", flows, "Flows.materialise upserts; " + countAndDrop(url, flowsTable) + " rows");
    }
    if (h.args().jfr()) {
      profile(h, in, rows);
    }
    return samples.results();
  }

  /**
   * With {@code --jfr}: one more Flows run with a JFR recording, whose top frames are printed after
   * it. Not a row of the table.
   */
  private void profile(Harness h, String in, int rows) throws Exception {
    Path recording = h.args().out().resolve("flows-materialise.jfr").toAbsolutePath();
    String table = h.table("rows_jfr");
    Measurement m =
        measure(
            h,
            "flows (JFR on)",
            "flows-materialise",
            "flows-jfr",
            in,
            rows,
            table,
            JfrTop.flags(recording, h.args().out()));
    countAndDrop(h.services().postgresUrl(), table);
    JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
  }

  private Measurement measure(
      Harness h, String label, String child, String tag, String in, int rows, String table)
      throws Exception {
    return measure(h, label, child, tag, in, rows, table, List.of());
  }

  private Measurement measure(
      Harness h,
      String label,
      String child,
      String tag,
      String in,
      int rows,
      String table,
      List<String> flags)
      throws Exception {
    String group = h.name("rows-" + tag);
    Params params =
        h.base()
            .with("in", in)
            .with("name", group)
            .with("table", table)
            .with("pgUrl", h.services().postgresUrl());
    return h.measure(
        name(), label, child, params, rows, () -> h.kafka().committedSum(group), flags);
  }

  private static void sql(String url, String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long countAndDrop(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      long count;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
        rs.next();
        count = rs.getLong(1);
      }
      s.execute("DROP TABLE \"" + table + "\" CASCADE");
      return count;
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(new Comparison(name(), "flows", "binary-copy", 0.7));
  }
}
