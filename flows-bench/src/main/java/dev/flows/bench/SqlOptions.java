package dev.flows.bench;

import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.postgres.PostgresTableSink;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ways of writing a materialise batch that {@code materialise-sql} compares, each one
 * transaction per batch. {@link #UPSERT} is today's statement, copied from {@code
 * MaterialisedTableSql} as it is for the bench's table (guard included); every option that can meet
 * an existing key ends in it, or in its equivalent, so the guard per partition and offset holds in
 * all of them.
 */
final class SqlOptions {
  /** Today's statement for the bench table, as {@code MaterialisedTableSql} writes it. */
  static final String UPSERT =
      "INSERT INTO \"%s\" AS t (\"id\", \"value\", \"updated_offset\", \"source_partition\","
          + " \"source_generation\", \"deleted\", \"deleted_at\") SELECT *, false,"
          + " NULL::timestamptz FROM %s ON CONFLICT (\"id\") DO UPDATE SET \"value\" ="
          + " EXCLUDED.\"value\", \"updated_offset\" = EXCLUDED.\"updated_offset\","
          + " \"source_partition\" = EXCLUDED.\"source_partition\", \"source_generation\" ="
          + " EXCLUDED.\"source_generation\", \"deleted\" = EXCLUDED.\"deleted\", \"deleted_at\" ="
          + " EXCLUDED.\"deleted_at\" WHERE (t.\"updated_offset\" IS NULL OR"
          + " t.\"source_partition\" <> EXCLUDED.\"source_partition\" OR"
          + " (coalesce(t.\"source_generation\", 0), t.\"updated_offset\") <"
          + " (coalesce(EXCLUDED.\"source_generation\", 0), EXCLUDED.\"updated_offset\"))";

  /** The rows of the statement: one array per column, expanded by {@code unnest}. */
  static final String UNNEST =
      "unnest(?::text[], ?::text[], ?::bigint[], ?::integer[], ?::integer[])";

  private SqlOptions() {}

  /** Opens a writer of one run into {@code table}. */
  interface Option {
    String name();

    /** How it keeps the guarantees, for the table's note. */
    String note();

    Writer open(String url, TableSpec table) throws SQLException;
  }

  /** Writes batches, each in one transaction. */
  interface Writer extends AutoCloseable {
    /** Readies {@code batch} for {@link #write}, outside the measured time. */
    default void before(SqlBatch batch) {}

    /** Writes {@code batch}, measured. */
    void write(SqlBatch batch) throws SQLException;

    @Override
    void close() throws SQLException;
  }

  /** Every option, the baseline first. */
  static List<Option> all() {
    return List.of(
        jdbc(
            "binary-copy",
            "COPY FROM STDIN (FORMAT binary), no upsert: the floor",
            BinaryCopy::copy),
        new Product(false),
        new Product(true),
        jdbc("a-unnest-binary", "today's statement, raw JDBC, binary arrays", SqlOptions::upsert),
        jdbc("b-copy-stage", "binary COPY into a temp table, then the upsert from it", stage()),
        jdbc("c-unnest-text", "today's statement, arrays as text literals", SqlOptions::upsertText),
        jdbc(
            "d-probe-insert",
            "SELECT keys = ANY(?); plain INSERT of absent keys, upsert of present",
            SqlOptions::probeInsert),
        jdbc(
            "d-probe-copy",
            "SELECT keys = ANY(?); binary COPY of absent keys, upsert of present",
            SqlOptions::probeCopy),
        jdbc(
            "e-merge", "MERGE ... WHEN MATCHED AND guard ... WHEN NOT MATCHED", SqlOptions::merge));
  }

  /** A run on one connection, each batch one transaction. */
  static Option jdbc(String name, String note, Body body) {
    return new Option() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String note() {
        return note;
      }

      @Override
      public Writer open(String url, TableSpec table) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        return new Writer() {
          @Override
          public void write(SqlBatch batch) throws SQLException {
            body.write(c, table.name(), batch);
            c.commit();
          }

          @Override
          public void close() throws SQLException {
            c.close();
          }
        };
      }
    };
  }

  /** What one option does with a batch, in the open transaction. */
  interface Body {
    void write(Connection c, String table, SqlBatch batch) throws SQLException;
  }

  /**
   * Today's product path: {@code PostgresTableSink.write} (JDBI, rows sorted, bisected on refusal);
   * with {@code rows}, the measured time also builds each batch's {@code Row}s as the runtime does
   * (the mapper's row, then the key and the source columns added by {@code TableRows}).
   */
  private record Product(boolean rows) implements Option {
    @Override
    public String name() {
      return rows ? "a-product+rows" : "a-product";
    }

    @Override
    public String note() {
      return rows
          ? "PostgresTableSink.write, and the Rows built as TableRows builds them"
          : "PostgresTableSink.write, the product's path (Rows built beforehand)";
    }

    @Override
    public Writer open(String url, TableSpec table) {
      PostgresTableSink sink = PostgresTableSink.create(url, null, null);
      sink.prepare(table);
      return new Writer() {
        private List<Row> built;

        @Override
        public void before(SqlBatch batch) {
          built = rows ? null : build(batch);
        }

        @Override
        public void write(SqlBatch batch) {
          List<Row> upserts = built == null ? build(batch) : built;
          List<RowChanges> changes = new ArrayList<>(upserts.size());
          upserts.forEach(row -> changes.add(RowChanges.of(List.of(row))));
          if (!sink.write(table, changes).isEmpty()) {
            throw new IllegalStateException("rows refused");
          }
        }

        @Override
        public void close() {
          sink.close();
        }
      };
    }

    private static List<Row> build(SqlBatch batch) {
      List<Row> rows = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Row mapped = Row.of("value", batch.values()[i]);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", batch.ids()[i]);
        values.putAll(mapped.values());
        rows.add(
            new Row(values)
                .with("updated_offset", batch.offsets()[i])
                .with(TableSpec.PARTITION_COLUMN, batch.partitions()[i])
                .with(TableSpec.GENERATION_COLUMN, batch.generations()[i]));
      }
      return rows;
    }
  }

  static void upsert(Connection c, String table, SqlBatch batch) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(String.format(UPSERT, table, UNNEST))) {
      bindArrays(c, s, batch);
      s.executeUpdate();
    }
  }

  /** Each column as a binary array ({@code createArrayOf} of boxed values). */
  private static void bindArrays(Connection c, PreparedStatement s, SqlBatch batch)
      throws SQLException {
    s.setArray(1, c.createArrayOf("text", batch.ids()));
    s.setArray(2, c.createArrayOf("text", batch.values()));
    s.setArray(3, c.createArrayOf("int8", batch.offsets()));
    s.setArray(4, c.createArrayOf("int4", batch.partitions()));
    s.setArray(5, c.createArrayOf("int4", batch.generations()));
  }

  private static void upsertText(Connection c, String table, SqlBatch batch) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(String.format(UPSERT, table, UNNEST))) {
      s.setString(1, literal(batch.ids(), true));
      s.setString(2, literal(batch.values(), true));
      s.setString(3, literal(batch.offsets(), false));
      s.setString(4, literal(batch.partitions(), false));
      s.setString(5, literal(batch.generations(), false));
      s.executeUpdate();
    }
  }

  /** {@code {"a","b"}} or {@code {1,2}}: PostgreSQL's text form of an array. */
  private static String literal(Object[] values, boolean quoted) {
    StringBuilder text = new StringBuilder(values.length * (quoted ? 24 : 8)).append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      String value = values[i].toString();
      if (quoted) {
        text.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else {
        text.append(value);
      }
    }
    return text.append('}').toString();
  }

  private static Body stage() {
    return (c, table, batch) -> {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TEMP TABLE IF NOT EXISTS flows_stage (id text, value text, updated_offset"
                + " bigint, source_partition integer, source_generation integer) ON COMMIT DELETE"
                + " ROWS");
      }
      BinaryCopy.copy(c, "flows_stage", batch);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(String.format(UPSERT, table, "flows_stage"));
      }
    };
  }

  /**
   * The indexes of the batch's keys that the table holds (rows or markers), read in the batch's
   * transaction.
   */
  private static List<Integer> present(Connection c, String table, SqlBatch batch)
      throws SQLException {
    Set<String> found = new HashSet<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT id FROM \"" + table + "\" WHERE id = ANY(?::text[])")) {
      Array keys = c.createArrayOf("text", batch.ids());
      s.setArray(1, keys);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    List<Integer> present = new ArrayList<>(found.size());
    for (int i = 0; i < batch.size(); i++) {
      if (found.contains(batch.ids()[i])) {
        present.add(i);
      }
    }
    return present;
  }

  private static List<Integer> absent(SqlBatch batch, List<Integer> present) {
    Set<Integer> skip = new HashSet<>(present);
    List<Integer> absent = new ArrayList<>(batch.size() - present.size());
    for (int i = 0; i < batch.size(); i++) {
      if (!skip.contains(i)) {
        absent.add(i);
      }
    }
    return absent;
  }

  private static void probeInsert(Connection c, String table, SqlBatch batch) throws SQLException {
    List<Integer> present = present(c, table, batch);
    List<Integer> absent = absent(batch, present);
    if (!absent.isEmpty()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO \""
                  + table
                  + "\" ("
                  + BinaryCopy.COLUMNS
                  + ", deleted, deleted_at) SELECT *, false, NULL::timestamptz FROM "
                  + UNNEST)) {
        bindArrays(c, s, present.isEmpty() ? batch : batch.only(absent));
        s.executeUpdate();
      }
    }
    if (!present.isEmpty()) {
      upsert(c, table, batch.only(present));
    }
  }

  private static void probeCopy(Connection c, String table, SqlBatch batch) throws SQLException {
    List<Integer> present = present(c, table, batch);
    List<Integer> absent = absent(batch, present);
    if (!absent.isEmpty()) {
      BinaryCopy.copy(c, table, present.isEmpty() ? batch : batch.only(absent));
    }
    if (!present.isEmpty()) {
      upsert(c, table, batch.only(present));
    }
  }

  private static void merge(Connection c, String table, SqlBatch batch) throws SQLException {
    String sql =
        "MERGE INTO \""
            + table
            + "\" AS t USING (SELECT * FROM "
            + UNNEST
            + " AS s (id, value, updated_offset, source_partition, source_generation)) AS s"
            + " ON t.id = s.id WHEN MATCHED AND (t.updated_offset IS NULL OR t.source_partition"
            + " <> s.source_partition OR (coalesce(t.source_generation, 0), t.updated_offset) <"
            + " (coalesce(s.source_generation, 0), s.updated_offset)) THEN UPDATE SET value ="
            + " s.value, updated_offset = s.updated_offset, source_partition = s.source_partition,"
            + " source_generation = s.source_generation, deleted = false, deleted_at = NULL WHEN"
            + " NOT MATCHED THEN INSERT ("
            + BinaryCopy.COLUMNS
            + ", deleted, deleted_at) VALUES (s.id, s.value, s.updated_offset, s.source_partition,"
            + " s.source_generation, false, NULL)";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bindArrays(c, s, batch);
      s.executeUpdate();
    }
  }
}
