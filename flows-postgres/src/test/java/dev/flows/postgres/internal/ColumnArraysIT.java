package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgArray;

/**
 * Every {@link ColumnType} through the typed array binding of {@link ColumnArrays}: written by the
 * upsert (present keys), and, before, by the binary COPY of absent keys ({@link CopyRows}, compared
 * with the plain insert in {@link CopyRowsIT}), nulls included, and read back as written; every
 * array sent binary (timestamps and JSON as binary text arrays the server casts), those {@link
 * BinaryArray} encodes byte for byte as pgjdbc would.
 */
@FlowsServices
class ColumnArraysIT {
  private static final Instant WHEN = Instant.parse("2026-11-30T18:12:01.123456Z");

  private static TestPostgres postgres;
  private static Jdbi jdbi;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
    jdbi = Pool.borrowed(database.dataSource()).jdbi();
  }

  @Test
  void shouldReadBackEveryTypeAndNullWhenWrittenByTheInsertAndByTheUpsert() throws SQLException {
    TableSpec spec = everyType();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    List<Row> first = List.of(full(spec, "a", 1), nulls(spec, "b"));
    List<Row> second = List.of(nulls(spec, "a"), full(spec, "b", 2));

    assertEquals(List.of(), table.write(List.of(RowChanges.of(first))));
    assertEquals(comparable(first), read(spec), "absent keys: the COPY");
    assertEquals(List.of(), table.write(List.of(RowChanges.of(second))));
    assertEquals(comparable(second), read(spec), "present keys: the upsert");
  }

  @Test
  void shouldSendEveryTypeAsABinaryArrayWhenBound() throws SQLException {
    TableSpec spec = everyType();
    List<Row> rows = List.of(full(spec, "a", 1), nulls(spec, "b"));
    try (Connection c = postgres.dataSource().getConnection()) {
      for (Column column : spec.allColumns()) {
        PgArray array =
            (PgArray)
                c.createArrayOf(
                    ColumnArrays.elementType(column.type()), ColumnArrays.values(column, rows));

        assertTrue(array.isBinary(), column.toString());
      }
    }
  }

  @Test
  void shouldEncodeEveryTypeButBooleanAsPgjdbcDoesWhenEncodedAtItsExactSize() throws SQLException {
    TableSpec spec = everyType();
    List<Row> rows = List.of(full(spec, "a", 1), nulls(spec, "b"), full(spec, "c", 2));
    try (Connection c = postgres.dataSource().getConnection()) {
      for (Column column : spec.allColumns()) {
        Object[] values = ColumnArrays.values(column, rows);
        PgArray pgjdbc = (PgArray) c.createArrayOf(ColumnArrays.elementType(column.type()), values);
        BinaryArray ours = BinaryArray.of(column.type(), values).orElse(null);
        if (column.type() == ColumnType.BOOLEAN) {
          assertNull(ours, "booleans go through createArrayOf");
          continue;
        }
        byte[] bytes = new byte[ours.lengthInBytes()];
        ours.toBytes(bytes, 0);

        assertArrayEquals(withoutNullFlag(pgjdbc.toBytes()), withoutNullFlag(bytes), column.name());
        assertTrue(ColumnArrays.sendsBinary(c, ours.arrayOid()), "sent binary: " + column.name());
      }
    }
  }

  /**
   * The array without its second field, the flag of null elements: {@code array_recv} only checks
   * that it is 0 or 1 (nulls are the elements of length -1), and pgjdbc leaves it 0 for bytea.
   */
  private static byte[] withoutNullFlag(byte[] array) {
    byte[] rest = array.clone();
    Arrays.fill(rest, 4, 8, (byte) 0);
    return rest;
  }

  private static TableSpec everyType() {
    TableSpec spec =
        TableSpec.of(
            "arrays_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
            Column.text("id"));
    for (ColumnType type : ColumnType.values()) {
      spec = spec.withColumn(Column.of("v_" + type.name().toLowerCase(), type));
    }
    return spec;
  }

  private static Row full(TableSpec spec, String id, int n) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("id", id);
    for (Column column : spec.columns()) {
      values.put(column.name(), value(column.type(), n));
    }
    return new Row(values);
  }

  private static Object value(ColumnType type, int n) {
    return switch (type) {
      case TEXT -> "text ✓ " + n;
      case BIGINT -> Long.MAX_VALUE - n;
      case INTEGER -> Integer.MIN_VALUE + n;
      case DOUBLE -> 0.1 * n;
      case BOOLEAN -> n % 2 == 0;
      case BYTEA -> new byte[] {0, (byte) 0xff, (byte) n};
      case TIMESTAMPTZ -> WHEN.plusSeconds(n);
      case JSONB -> "{\"n\": " + n + "}";
    };
  }

  private static Row nulls(TableSpec spec, String id) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("id", id);
    spec.columns().forEach(c -> values.put(c.name(), null));
    return new Row(values);
  }

  /** {@code rows} with byte arrays wrapped, so that rows compare by value. */
  private static List<Row> comparable(List<Row> rows) {
    List<Row> comparable = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> values = new LinkedHashMap<>();
      row.values()
          .forEach((k, v) -> values.put(k, v instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : v));
      comparable.add(new Row(values));
    }
    return comparable;
  }

  /** The rows by id, each value as the Java type of its column, byte arrays wrapped. */
  private static List<Row> read(TableSpec spec) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + spec.name() + " ORDER BY id")) {
      while (rs.next()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Column column : spec.allColumns()) {
          values.put(column.name(), read(rs, column));
        }
        rows.add(new Row(values));
      }
    }
    return comparable(rows);
  }

  private static Object read(ResultSet rs, Column column) throws SQLException {
    String name = column.name();
    return switch (column.type()) {
      case TEXT, JSONB -> rs.getString(name);
      case BIGINT, INTEGER, DOUBLE, BOOLEAN -> rs.getObject(name);
      case BYTEA -> rs.getBytes(name);
      case TIMESTAMPTZ -> {
        OffsetDateTime time = rs.getObject(name, OffsetDateTime.class);
        yield time == null ? null : time.toInstant();
      }
    };
  }
}
