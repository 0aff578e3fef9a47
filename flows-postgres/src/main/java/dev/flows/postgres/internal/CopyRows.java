package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes the rows of absent keys by {@code COPY <table> (<columns>) FROM STDIN (FORMAT binary)} on
 * a handle's connection, in its transaction: the rows and columns {@link
 * MaterialisedTableSql#insertNew} writes, a versioned table's live {@link MarkerColumns} included,
 * each value as {@link BinaryValue} encodes its column's type. Like that insert, it fails with a
 * unique violation (23505) on a key another writer inserted since the probe, and with the same
 * record-data errors. Left to the insert ({@link #write} returns false) where a COPY cannot write
 * the same values: a connection that is not pgjdbc's, a column of another type than the one its
 * values are encoded for (a table made before, by hand), or a timestamp that is not a whole number
 * of microseconds in the years 1 to 9999 ({@link Timestamps#exactMicros}). Immutable.
 */
final class CopyRows {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };
  private static final int BUFFER = 1 << 16;

  private final String sql;
  private final Map<String, Integer> oids = new HashMap<>();
  private final List<Column> columns;
  private final BinaryValue[] formats;
  private final boolean versioned;

  CopyRows(TableSpec spec) {
    this.columns = spec.allColumns();
    this.versioned = spec.versioned();
    this.formats = columns.stream().map(c -> BinaryValue.of(c.type())).toArray(BinaryValue[]::new);
    List<String> names = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      names.add(MaterialisedTableSql.quote(columns.get(c).name()));
      oids.put(columns.get(c).name(), formats[c].oid());
    }
    if (versioned) {
      names.add(MarkerColumns.names());
      oids.put(TableSpec.DELETED_COLUMN, BinaryValue.BOOL.oid());
      oids.put(TableSpec.DELETED_AT_COLUMN, BinaryValue.TIMESTAMPTZ.oid());
    }
    this.sql =
        "COPY "
            + MaterialisedTableSql.quote(spec.name())
            + " ("
            + names.stream().collect(Collectors.joining(", "))
            + ") FROM STDIN (FORMAT binary)";
  }

  /**
   * Copies {@code rows} (every column gathered) in {@code handle}'s transaction, whose table has
   * {@code columnTypes} (name to type oid, as {@link KeyProbe} read them in this transaction);
   * false, with nothing sent, if a COPY cannot write them (see the class comment).
   */
  boolean write(Handle handle, KeyedRows rows, Map<String, Integer> columnTypes) {
    try {
      Connection connection = handle.getConnection();
      Object[][] values = prepared(rows);
      if (values == null
          || !connection.isWrapperFor(PGConnection.class)
          || !typesMatch(columnTypes)) {
        return false;
      }
      CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
      try {
        send(copy, values, rows.size());
        copy.endCopy();
      } catch (SQLException | RuntimeException e) {
        cancel(copy, e);
        throw e;
      }
      return true;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(sql + ": " + e.getMessage(), e, null);
    }
  }

  /**
   * Whether each copied column has the type whose binary format it is sent in: a table created
   * before, by hand, may have others ({@code numeric}, {@code varchar}, ...), which the insert
   * casts to and a binary COPY cannot. The types are read in the transaction, by the probe, whose
   * lock keeps the table's columns as they are until it ends.
   */
  private boolean typesMatch(Map<String, Integer> columnTypes) {
    return oids.entrySet().stream().allMatch(e -> e.getValue().equals(columnTypes.get(e.getKey())));
  }

  /** Each column's values as {@link BinaryValue#prepare} gives them; null if one cannot be. */
  private Object[][] prepared(KeyedRows rows) {
    Object[][] values = new Object[columns.size()][];
    for (int c = 0; c < values.length; c++) {
      Column column = columns.get(c);
      Object[] bound = rows.column(c);
      Object[] prepared = new Object[rows.size()];
      for (int r = 0; r < prepared.length; r++) {
        Object value = bound[r];
        if (column.type() == ColumnType.TIMESTAMPTZ) {
          value = rows.rows().get(r).get(column.name());
          if (value != null && !Timestamps.exactMicros((Instant) value)) {
            return null;
          }
        }
        prepared[r] = formats[c].prepare(value);
      }
      values[c] = prepared;
    }
    return values;
  }

  /** The header, each row as a field count and its fields, the trailer; in buffers of 64 KiB. */
  private void send(CopyIn copy, Object[][] values, int rowCount) throws SQLException {
    ByteBuffer out = ByteBuffer.allocate(BUFFER);
    out.put(SIGNATURE).putInt(0).putInt(0);
    short fields = (short) (columns.size() + (versioned ? MarkerColumns.NAMES.size() : 0));
    for (int r = 0; r < rowCount; r++) {
      int size = 2;
      for (int c = 0; c < values.length; c++) {
        size += formats[c].fieldSize(values[c][r]);
      }
      if (versioned) {
        size += BinaryValue.BOOL.fieldSize(MarkerColumns.LIVE_VALUES.get(0));
        size += BinaryValue.TIMESTAMPTZ.fieldSize(MarkerColumns.LIVE_VALUES.get(1));
      }
      if (size > out.remaining()) {
        flush(copy, out);
      }
      ByteBuffer row = size > out.capacity() ? ByteBuffer.allocate(size) : out;
      row.putShort(fields);
      for (int c = 0; c < values.length; c++) {
        formats[c].write(row, values[c][r]);
      }
      if (versioned) {
        BinaryValue.BOOL.write(row, MarkerColumns.LIVE_VALUES.get(0));
        BinaryValue.TIMESTAMPTZ.write(row, MarkerColumns.LIVE_VALUES.get(1));
      }
      if (row != out) {
        flush(copy, row);
      }
    }
    if (out.remaining() < 2) {
      flush(copy, out);
    }
    out.putShort((short) -1);
    flush(copy, out);
  }

  private static void flush(CopyIn copy, ByteBuffer buffer) throws SQLException {
    if (buffer.position() > 0) {
      copy.writeToCopy(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
  }

  /** Ends a failed COPY so that the connection can roll back; its own failure is suppressed. */
  private static void cancel(CopyIn copy, Exception failure) {
    if (copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
