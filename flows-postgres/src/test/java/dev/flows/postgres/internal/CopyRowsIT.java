package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binary COPY of absent keys ({@link CopyRows}) against the plain insert it replaces ({@link
 * MaterialisedTableSql#insertNew}): the same rows, every {@link ColumnType} with its edge values
 * and NULL, the source and marker columns of a versioned table, read back byte for byte in each
 * type's binary send format; the same refusal for data PostgreSQL rejects; the insert where a
 * timestamp would not be the same.
 */
@FlowsServices
class CopyRowsIT {
  private static final Map<ColumnType, List<Object>> EDGES = edges();

  private static TestPostgres postgres;
  private static Jdbi jdbi;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
    jdbi = Pool.borrowed(database.dataSource()).jdbi();
  }

  @Test
  void shouldWriteEveryTypeByteForByteAsTheInsertDoesWhenCopied() {
    TableSpec spec = everyType();
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 3000; n++) {
      rows.add(row(spec, n));
    }
    rows.add(row(spec, 3000).with("v_text", "x".repeat(200_000)));

    assertTrue(copy(spec, rows), "copied, not left to the insert");
    insert(spec, rows);

    assertEquals(rows.size(), postgres.queryLong("SELECT count(*) FROM " + spec.name() + "_c"));
    assertEquals(sent(spec, "_i"), sent(spec, "_c"));
  }

  @Test
  void shouldRefuseDataAsTheInsertDoesWhenCopied() {
    TableSpec spec = everyType();
    List<Row> rows = List.of(row(spec, 1).with("v_jsonb", "not json"));

    Exception copied = assertThrows(RuntimeException.class, () -> copy(spec, rows));
    Exception inserted = assertThrows(RuntimeException.class, () -> insert(spec, rows));

    assertEquals(SqlErrors.reason(inserted), SqlErrors.reason(copied));
    assertTrue(SqlErrors.standard().isRecordError(copied), SqlErrors.reason(copied));
  }

  @Test
  void shouldLeaveTheRowsToTheInsertWhenATimestampHasDigitsBeyondMicroseconds() {
    TableSpec spec = everyType();
    Row row = row(spec, 1).with("v_timestamptz", Instant.parse("2026-12-01T10:00:00.123456789Z"));

    assertFalse(copy(spec, List.of(row)));
    assertEquals(0, postgres.queryLong("SELECT count(*) FROM " + spec.name() + "_c"));
  }

  @Test
  void shouldLeaveTheRowsToTheInsertWhenAColumnHasAnotherTypeInTheTable() {
    TableSpec spec = everyType();
    keyed(renamed(spec, "_c"), List.of());
    postgres.execute("ALTER TABLE " + spec.name() + "_c ALTER COLUMN v_text TYPE varchar(100000)");

    assertFalse(copy(spec, List.of(row(spec, 1))));
    assertEquals(0, postgres.queryLong("SELECT count(*) FROM " + spec.name() + "_c"));
  }

  @Test
  void shouldWriteTheRowsByCopyWhenTheTableWritesABatchOfAbsentKeys() {
    TableSpec spec = everyType();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    List<Row> rows = List.of(row(spec, 1), row(spec, 2));

    assertEquals(List.of(), table.write(List.of(RowChanges.of(rows))));
    insert(spec, rows);

    assertEquals(sent(spec, "_i"), sent(spec, ""));
  }

  /**
   * Copies {@code rows} into table {@code <name>_c} after probing their keys, as the table does,
   * and returns as {@link CopyRows#write} does.
   */
  private static boolean copy(TableSpec spec, List<Row> rows) {
    TableSpec copied = renamed(spec, "_c");
    KeyedRows keyed = keyed(copied, rows);
    Batch batch = new Batch(keyed, keyed.where(k -> false), List.of());
    return jdbi.inTransaction(
        handle -> {
          KeyProbe.Probed probed = KeyProbe.of(copied).orElseThrow().probe(handle, batch);
          return new CopyRows(copied).write(handle, keyed, probed.columnTypes());
        });
  }

  /** Inserts {@code rows} into table {@code <name>_i} with the plain insert of absent keys. */
  private static void insert(TableSpec spec, List<Row> rows) {
    TableSpec inserted = renamed(spec, "_i");
    KeyedRows keyed = keyed(inserted, rows);
    jdbi.useTransaction(
        (Handle handle) -> {
          Update update = handle.createUpdate(MaterialisedTableSql.of(inserted).insertNew());
          List<Column> all = inserted.allColumns();
          for (int i = 0; i < all.size(); i++) {
            ColumnArrays.bind(
                update, MaterialisedTableSql.parameter(i), all.get(i).type(), keyed.column(i));
          }
          update.execute();
        });
  }

  private static KeyedRows keyed(TableSpec spec, List<Row> rows) {
    PostgresMaterialisedTable.open(jdbi, spec);
    return Batch.of(List.of(RowChanges.of(rows)), spec, new PrimaryKeys(spec)).upserts();
  }

  /**
   * Every column of table {@code <name><suffix>}, the kept ones included, row by row in key order,
   * as the hex of its type's binary send function.
   */
  private static List<String> sent(TableSpec spec, String suffix) {
    Map<String, String> kept = MaterialisedTableSql.keptColumns(spec);
    List<String> columns = new ArrayList<>();
    spec.allColumns().forEach(c -> columns.add(send(c.name(), c.type().sql())));
    kept.forEach((name, definition) -> columns.add(send(name, definition.split(" ")[0])));
    String sql =
        "SELECT concat_ws('|', "
            + String.join(", ", columns)
            + ") FROM "
            + spec.name()
            + suffix
            + " ORDER BY id";
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  private static String send(String column, String type) {
    String function =
        switch (type) {
          case "text" -> "textsend";
          case "bigint" -> "int8send";
          case "integer" -> "int4send";
          case "double precision" -> "float8send";
          case "boolean" -> "boolsend";
          case "bytea" -> "byteasend";
          case "timestamptz" -> "timestamptz_send";
          case "jsonb" -> "jsonb_send";
          default -> throw new IllegalArgumentException(type);
        };
    return "coalesce(encode(" + function + "(\"" + column + "\"), 'hex'), 'NULL')";
  }

  private static TableSpec everyType() {
    TableSpec spec =
        TableSpec.of(
            "copy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
            Column.bigint("id"));
    for (ColumnType type : ColumnType.values()) {
      spec = spec.withColumn(Column.of("v_" + type.name().toLowerCase(), type));
    }
    return spec.withOffsetColumn("updated_offset");
  }

  private static TableSpec renamed(TableSpec spec, String suffix) {
    TableSpec renamed = TableSpec.of(spec.name() + suffix, spec.primaryKey().get(0));
    for (Column column : spec.columns()) {
      renamed = renamed.withColumn(column);
    }
    return renamed.withOffsetColumn(spec.offsetColumn());
  }

  /** Row {@code n}: each column takes its type's edge values in turn, NULL among them. */
  private static Row row(TableSpec spec, int n) {
    Map<String, Object> values = new HashMap<>();
    values.put("id", (long) n);
    for (Column column : spec.columns()) {
      List<Object> edges = EDGES.get(column.type());
      values.put(column.name(), edges.get(n % edges.size()));
    }
    values.put("updated_offset", 1000L + n);
    values.put(TableSpec.PARTITION_COLUMN, n % 6);
    values.put(TableSpec.GENERATION_COLUMN, n % 2);
    return new Row(values);
  }

  private static Map<ColumnType, List<Object>> edges() {
    Map<ColumnType, List<Object>> edges = new HashMap<>();
    edges.put(ColumnType.TEXT, nullable("", "a", "text ✓ ünïcödé 🎉", "tab\tnew\nline'\"\\"));
    edges.put(ColumnType.BIGINT, nullable(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L));
    edges.put(ColumnType.INTEGER, nullable(0, Integer.MIN_VALUE, Integer.MAX_VALUE, 42));
    edges.put(
        ColumnType.DOUBLE,
        nullable(
            0.0,
            -0.0,
            0.1,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            -1e-300));
    edges.put(ColumnType.BOOLEAN, nullable(true, false));
    edges.put(
        ColumnType.BYTEA,
        nullable(new byte[0], new byte[] {0}, new byte[] {(byte) 0xff, 0, 127, (byte) 0x80}));
    edges.put(
        ColumnType.TIMESTAMPTZ,
        nullable(
            Instant.parse("2026-11-30T18:12:01.123456Z"),
            Instant.EPOCH,
            Instant.parse("2000-01-01T00:00:00Z"),
            Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999Z")));
    edges.put(
        ColumnType.JSONB,
        nullable(
            "{\"n\": 1}",
            "  [1, 2.50, 1e2, \"ü\", null, true] ",
            "{\"a\": 1, \"a\": 2, \"b\": {\"c\": []}}",
            "\"\\u00e9\"",
            "12345678901234567890.123"));
    return edges;
  }

  private static List<Object> nullable(Object... values) {
    List<Object> list = new ArrayList<>(List.of(values));
    list.add(null);
    return list;
  }
}
