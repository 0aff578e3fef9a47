package dev.flows.postgres;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads a materialised table back with plain JDBC, each value as the Java type its column type
 * names, by primary key value (a key of several columns as the list of their values); deleted
 * markers of a versioned table are skipped, as readers skip them.
 */
final class TableReader {
  private TableReader() {}

  static Map<Object, Row> read(DataSource dataSource, TableSpec table) {
    return read(dataSource, table, false);
  }

  /**
   * The deleted markers of a versioned table, as {@code InMemoryTableSink.markers} gives them: with
   * {@code deleted} true and {@code deleted_at} as stored.
   */
  static Map<Object, Row> markers(DataSource dataSource, TableSpec table) {
    return read(dataSource, table, true);
  }

  private static Map<Object, Row> read(DataSource dataSource, TableSpec table, boolean markers) {
    Map<Object, Row> rows = new HashMap<>();
    String where = table.versioned() ? (markers ? " WHERE deleted" : " WHERE NOT deleted") : "";
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM \"" + table.name() + "\"" + where)) {
      while (rs.next()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Column column : table.allColumns()) {
          values.put(column.name(), value(rs, column));
        }
        if (markers) {
          values.put(TableSpec.DELETED_COLUMN, true);
          values.put(
              TableSpec.DELETED_AT_COLUMN,
              value(rs, Column.of(TableSpec.DELETED_AT_COLUMN, ColumnType.TIMESTAMPTZ)));
        }
        List<Object> key = new ArrayList<>();
        table.primaryKey().forEach(k -> key.add(identity(values.get(k.name()))));
        rows.put(key.size() == 1 ? key.get(0) : List.copyOf(key), new Row(values));
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot read " + table.name() + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private static Object identity(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
  }

  private static Object value(ResultSet rs, Column column) throws SQLException {
    String name = column.name();
    Object value =
        switch (column.type()) {
          case TEXT, JSONB -> rs.getString(name);
          case BIGINT -> rs.getLong(name);
          case INTEGER -> rs.getInt(name);
          case DOUBLE -> rs.getDouble(name);
          case BOOLEAN -> rs.getBoolean(name);
          case BYTEA -> rs.getBytes(name);
          case TIMESTAMPTZ -> {
            OffsetDateTime time = rs.getObject(name, OffsetDateTime.class);
            yield time == null ? null : time.toInstant();
          }
        };
    return rs.wasNull() ? null : value;
  }
}
