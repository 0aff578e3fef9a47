package dev.flows.bench;

import dev.flows.Column;
import dev.flows.FlowOptions;
import dev.flows.TableSpec;
import dev.flows.postgres.PostgresTableSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.jdbc.PgArray;

/**
 * Scenario {@code materialise-sql}: the ways of writing a materialise batch into PostgreSQL,
 * without Kafka, in this JVM. The same 1M rows (distinct text keys, 100 B values, the source
 * columns of a versioned table) in batches of {@link FlowOptions#DEFAULT_MAX_RECORDS}, one
 * transaction each, through each {@link SqlOptions option}, into a fresh table made by {@code
 * PostgresTableSink.prepare} (the product's DDL: primary key, source columns, markers index); each
 * option's run right after a binary COPY run of the same rows (the floor), rounds repeated, so each
 * ratio compares two runs a few seconds apart on a machine whose load drifts. Then the update path:
 * every row again, one offset newer, into a table that holds them all, through today's statement
 * and the probing option. Rows/s over the summed time of the batches' writes (each from its first
 * statement to its commit); each run's row count is checked.
 */
final class MaterialiseSqlScenario implements Scenario {
  static final int ROWS = 1_000_000;
  static final int WARM_UP_ROWS = 40_000;

  private String server = "";

  @Override
  public String name() {
    return "materialise-sql";
  }

  /** Only with {@code --only materialise-sql}: its runs take about 10 minutes. */
  @Override
  public boolean inFullRun() {
    return false;
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "%,d rows (distinct text keys, 100 B values, versioned: offset, 6 source partitions,"
            + " generation) in batches of %,d, one transaction each, written from the bench JVM"
            + " through each option into a fresh table made by PostgresTableSink.prepare; %s",
        h.args().scaled(ROWS), FlowOptions.DEFAULT_MAX_RECORDS, server);
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    String url = h.services().postgresUrl();
    server = server(url);
    System.out.println("  " + server);
    int rows = h.args().scaled(ROWS);
    List<SqlBatch> batches = SqlBatch.of(0, rows, FlowOptions.DEFAULT_MAX_RECORDS, 0);
    List<SqlBatch> updates = batches.stream().map(b -> b.newer(rows)).toList();
    List<SqlOptions.Option> options = SqlOptions.all();
    warmUp(h, url, options);
    Samples samples = new Samples(name());
    Map<String, List<Double>> paired = new LinkedHashMap<>();
    SqlOptions.Option copy = options.get(0);
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      for (SqlOptions.Option option : options.subList(1, options.size())) {
        String suffix = sqlName(option) + "_r" + rep;
        Measurement floor = timed(url, copy, h.table("sql_copy_" + suffix), batches, rows, false);
        Measurement m = timed(url, option, h.table("sql_" + suffix), batches, rows, false);
        samples.add(copy.name(), floor, copy.note());
        samples.add(option.name(), m, option.note());
        paired
            .computeIfAbsent(option.name(), n -> new ArrayList<>())
            .add(m.perSecond() / floor.perSecond());
      }
      Measurement today = null;
      for (SqlOptions.Option option : updateOptions(options)) {
        String table = h.table("sql_upd_" + sqlName(option) + "_r" + rep);
        String label = option.name() + " updates";
        Measurement m = timed(url, option, table, updates, rows, true);
        samples.add(label, m, option.note() + "; every key present, one offset newer");
        if (today == null) {
          today = m;
        } else {
          paired
              .computeIfAbsent(label, n -> new ArrayList<>())
              .add(m.perSecond() / today.perSecond());
        }
      }
    }
    printPaired(paired);
    return samples.results();
  }

  /**
   * Each option's rows/s over the binary COPY run just before it (the update path: over today's
   * statement run just before it), the median of the rounds with their range: robust to the load of
   * a shared machine drifting between rounds.
   */
  private static void printPaired(Map<String, List<Double>> paired) {
    System.out.println("  paired ratios (each run over the run just before it):");
    paired.forEach(
        (option, ratios) -> {
          List<Double> sorted = ratios.stream().sorted().toList();
          System.out.printf(
              "  %-28s %.2fx (%.2f-%.2f) of %s%n",
              option,
              sorted.get(sorted.size() / 2),
              sorted.get(0),
              sorted.get(sorted.size() - 1),
              option.endsWith("updates") ? "a-unnest-binary updates" : "binary-copy");
        });
  }

  /** Today's statement and the probing path, on rows whose keys are all present. */
  private static List<SqlOptions.Option> updateOptions(List<SqlOptions.Option> options) {
    return options.stream()
        .filter(o -> o.name().equals("a-unnest-binary") || o.name().equals("d-probe-copy"))
        .toList();
  }

  /** A few batches of each option first, so no run pays for class loading and compilation. */
  private void warmUp(Harness h, String url, List<SqlOptions.Option> options) throws Exception {
    List<SqlBatch> few = SqlBatch.of(0, WARM_UP_ROWS, FlowOptions.DEFAULT_MAX_RECORDS, 0);
    for (SqlOptions.Option option : options) {
      String table = h.table("sql_warm_" + sqlName(option));
      prepare(url, table);
      try (SqlOptions.Writer writer = option.open(url, spec(table))) {
        for (SqlBatch batch : few) {
          writer.write(batch);
        }
      }
      drop(url, table);
    }
  }

  /**
   * One run: a fresh table (filled by COPY first for {@code updates}), a checkpoint, then every
   * batch through {@code option}; the time is the sum of the batches' writes (commit included).
   */
  private Measurement timed(
      String url,
      SqlOptions.Option option,
      String table,
      List<SqlBatch> batches,
      int rows,
      boolean updates)
      throws Exception {
    System.out.printf("  %-16s %-28s ...", name(), option.name() + (updates ? " updates" : ""));
    System.out.flush();
    prepare(url, table);
    if (updates) {
      fill(url, table, batches, rows);
    }
    checkpoint(url);
    long startMillis = System.currentTimeMillis();
    long nanos = 0;
    try (SqlOptions.Writer writer = option.open(url, spec(table))) {
      for (SqlBatch batch : batches) {
        writer.before(batch);
        long start = System.nanoTime();
        writer.write(batch);
        nanos += System.nanoTime() - start;
      }
    }
    double seconds = nanos / 1e9;
    long written = count(url, table, updates ? rows : 0);
    drop(url, table);
    if (written != rows) {
      throw new IllegalStateException(
          option.name() + " left " + written + " rows of " + rows + " in " + table);
    }
    Measurement m = new Measurement(rows, seconds, Double.NaN, startMillis);
    System.out.printf(" %,10.0f rows/s  %6.1f s%n", m.perSecond(), m.seconds());
    return m;
  }

  private static String sqlName(SqlOptions.Option option) {
    return option.name().replaceAll("[^a-z0-9]", "_");
  }

  private static TableSpec spec(String table) {
    return TableSpec.of(table, Column.text("id"))
        .withColumn(Column.text("value"))
        .withOffsetColumn("updated_offset");
  }

  /** The table as the product makes it: {@code PostgresTableSink.prepare}. */
  private static void prepare(String url, String table) {
    try (PostgresTableSink sink = PostgresTableSink.create(url, null, null)) {
      sink.prepare(spec(table));
    }
  }

  /**
   * The rows of {@code batches} at offsets {@code by} lower (below {@code by}, so a row updated
   * since is told by its offset), by COPY: what the update runs find.
   */
  private static void fill(String url, String table, List<SqlBatch> batches, int by)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      for (SqlBatch batch : batches) {
        BinaryCopy.copy(c, table, batch.newer(-by));
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("VACUUM ANALYZE \"" + table + "\"");
      }
    }
  }

  /**
   * Rows of the table; for an update run, the rows updated (at an offset of at least {@code
   * updatedAbove}) instead.
   */
  private static long count(String url, String table, int updatedAbove) throws SQLException {
    String where = updatedAbove > 0 ? " WHERE updated_offset >= " + updatedAbove : "";
    return query(url, "SELECT count(*) FROM \"" + table + "\"" + where);
  }

  private static void checkpoint(String url) {
    try {
      execute(url, "CHECKPOINT");
    } catch (SQLException e) {
      // not a superuser: the runs are interleaved, so checkpoints spread over every option
    }
  }

  private static void drop(String url, String table) throws SQLException {
    execute(url, "DROP TABLE \"" + table + "\" CASCADE");
  }

  /** The server's version and commit settings, and how pgjdbc sends the arrays. */
  private static String server(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      List<String> facts = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT current_setting('server_version'), current_setting('synchronous_commit'),"
                      + " current_setting('fsync'), current_setting('shared_buffers')")) {
        rs.next();
        facts.add("PostgreSQL " + rs.getString(1));
        facts.add("synchronous_commit " + rs.getString(2));
        facts.add("fsync " + rs.getString(3));
        facts.add("shared_buffers " + rs.getString(4));
      }
      boolean textBinary =
          ((PgArray) c.createArrayOf("text", new String[] {"a"})).isBinary()
              && ((PgArray) c.createArrayOf("varchar", new String[] {"a"})).isBinary();
      boolean longBinary = ((PgArray) c.createArrayOf("int8", new Long[] {1L})).isBinary();
      facts.add(
          "pgjdbc createArrayOf: text[] "
              + (textBinary ? "binary" : "text")
              + ", bigint[] "
              + (longBinary ? "binary" : "text"));
      return String.join(", ", facts);
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long query(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public List<Comparison> comparisons() {
    List<Comparison> ratios = new ArrayList<>();
    for (SqlOptions.Option option : SqlOptions.all()) {
      if (!option.name().equals("binary-copy")) {
        ratios.add(new Comparison(name(), option.name(), "binary-copy", 0.7));
      }
    }
    ratios.add(
        new Comparison(name(), "d-probe-copy updates", "a-unnest-binary updates", Double.NaN));
    return ratios;
  }
}
