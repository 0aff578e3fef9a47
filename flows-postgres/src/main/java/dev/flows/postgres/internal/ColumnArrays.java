package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.statement.Update;

/**
 * Binds one column of a materialised table's rows as one array parameter, as the statements of
 * {@link MaterialisedTableSql} and {@link DeleteWhereSql} expand them with {@code unnest}.
 */
final class ColumnArrays {
  private ColumnArrays() {}

  /**
   * Binds {@code column} of every row as array {@code parameter}; timestamps (see {@link
   * Timestamps}) and JSON as text (cast in the SQL).
   */
  static void bind(Update update, String parameter, Column column, List<Row> rows) {
    List<Object> values = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object value = row.get(column.name());
      values.add(value instanceof Instant instant ? Timestamps.text(instant) : value);
    }
    update.bindArray(parameter, elementType(column.type()), values);
  }

  private static Class<?> elementType(ColumnType type) {
    return switch (type) {
      case TIMESTAMPTZ, JSONB -> String.class;
      default -> type.javaType();
    };
  }
}
