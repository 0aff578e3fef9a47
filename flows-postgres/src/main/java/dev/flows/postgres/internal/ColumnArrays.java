package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.SqlStatement;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Binds one column of a materialised table's rows as one array parameter, as the statements of
 * {@link MaterialisedTableSql}, {@link KeyProbe} and {@link DeleteWhereSql} expand them with {@code
 * unnest}. The array is typed per {@link ColumnType} ({@code String[]}, {@code Long[]}, ...) and
 * sent binary: encoded at its exact size by {@link BinaryArray}, or (booleans, or a connection that
 * sends that type as text) made by the connection's {@code createArrayOf}. An array of {@code
 * Object}, as JDBI's {@code bindArray} gives it, goes as text, which PostgreSQL must parse.
 */
final class ColumnArrays {
  private ColumnArrays() {}

  /**
   * Binds {@code column} of every row as array {@code parameter}; timestamps (see {@link
   * Timestamps}) and JSON as text (cast in the SQL).
   */
  static void bind(SqlStatement<?> statement, String parameter, Column column, List<Row> rows) {
    bind(statement, parameter, column.type(), values(column, rows));
  }

  /**
   * Binds {@code values}, a column of type {@code type} as {@link #values} gives it: encoded at its
   * exact size ({@link BinaryArray}) where the connection sends that array type binary, else by the
   * connection's {@code createArrayOf}.
   */
  static void bind(SqlStatement<?> statement, String parameter, ColumnType type, Object[] values) {
    String element = elementType(type);
    statement.bind(
        parameter,
        (Argument)
            (position, prepared, context) -> {
              Connection connection = prepared.getConnection();
              BinaryArray binary = BinaryArray.of(type, values).orElse(null);
              if (binary != null && sendsBinary(connection, binary.arrayOid())) {
                prepared.setObject(position, binary);
              } else {
                prepared.setArray(position, connection.createArrayOf(element, values));
              }
            });
  }

  /** Whether pgjdbc sends parameters of type {@code oid} binary on {@code connection}. */
  static boolean sendsBinary(Connection connection, int oid) throws SQLException {
    return connection.isWrapperFor(BaseConnection.class)
        && connection.unwrap(BaseConnection.class).binaryTransferSend(oid)
        && connection.unwrap(PGConnection.class).getPreferQueryMode() != PreferQueryMode.SIMPLE;
  }

  /** Binds {@code values} as the {@code integer[]} array {@code parameter}, typed as above. */
  static void bindIntegers(SqlStatement<?> statement, String parameter, List<Integer> values) {
    Integer[] array = values.toArray(Integer[]::new);
    statement.bind(
        parameter,
        (Argument)
            (position, prepared, context) ->
                prepared.setArray(position, prepared.getConnection().createArrayOf("int4", array)));
  }

  /** {@code column} of every row, in an array of the Java type {@link #elementType} names. */
  static Object[] values(Column column, List<Row> rows) {
    Object[] values = typedArray(column.type(), rows.size());
    for (int i = 0; i < values.length; i++) {
      Object value = rows.get(i).get(column.name());
      values[i] = value instanceof Instant instant ? Timestamps.text(instant) : value;
    }
    return values;
  }

  /** The element type {@code createArrayOf} is given for {@code type}. */
  static String elementType(ColumnType type) {
    return switch (type) {
      case TEXT, TIMESTAMPTZ, JSONB -> "text";
      case BIGINT -> "int8";
      case INTEGER -> "int4";
      case DOUBLE -> "float8";
      case BOOLEAN -> "bool";
      case BYTEA -> "bytea";
    };
  }

  private static Object[] typedArray(ColumnType type, int size) {
    return switch (type) {
      case TEXT, TIMESTAMPTZ, JSONB -> new String[size];
      case BIGINT -> new Long[size];
      case INTEGER -> new Integer[size];
      case DOUBLE -> new Double[size];
      case BOOLEAN -> new Boolean[size];
      case BYTEA -> new byte[size][];
    };
  }
}
