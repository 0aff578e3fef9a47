package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.postgres.internal.BisectingWriter.Refused;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * One materialised table in PostgreSQL. {@link #write} is one transaction holding at most two
 * set-based statements: the upsert of the batch's rows ({@code INSERT ... SELECT FROM unnest(...)
 * ON CONFLICT (pk) DO UPDATE ... WHERE <guard>}) and the delete of its tombstones (versioned: the
 * same upsert of deleted markers; else {@code DELETE ... WHERE pk = ANY(...)}). Rows are sorted by
 * primary key so two writers of overlapping keys (a zombie after a rebalance) lock in the same
 * order. If PostgreSQL refuses the data of some rows, a {@link BisectingWriter} sets them apart and
 * writes the others, each half of the batch in its own transaction. Thread-safe: every call borrows
 * its own connection. Other database failures are rethrown as {@link FlowsException} with the cause
 * attached; the runtime rewinds the batch and retries.
 */
public final class PostgresMaterialisedTable {
  /** A row to upsert, or the key and offset of a row to delete. */
  private record Change(Row row, boolean delete) {}

  private final Jdbi jdbi;
  private final TableSpec spec;
  private final MaterialisedTableSql sql;
  private final BisectingWriter<Change> writer;
  private final MarkerPurgeSql markers;

  private PostgresMaterialisedTable(Jdbi jdbi, TableSpec spec) {
    this.jdbi = jdbi;
    this.spec = spec;
    this.sql = MaterialisedTableSql.of(spec);
    this.writer = new BisectingWriter<>(SqlErrors.standard(), this::writeInOneTransaction);
    this.markers = spec.versioned() ? new MarkerPurgeSql(jdbi, spec) : null;
  }

  /**
   * Creates the table if absent (a lost creation race with another process is tried once more), and
   * adds the source and {@code deleted} columns to a versioned table an earlier version created
   * without them, and the index of its deleted markers.
   */
  public static PostgresMaterialisedTable open(Jdbi jdbi, TableSpec spec) {
    PostgresMaterialisedTable table = new PostgresMaterialisedTable(jdbi, spec);
    Databases.createTable(jdbi, table.what(), table.sql.create());
    if (spec.versioned()) {
      MaterialisedTableUpgrade.addMissingColumns(jdbi, spec);
      table.markers.ensureIndex();
    }
    return table;
  }

  /**
   * Deletes at most {@code purge.limit()} deleted markers that {@code purge} allows, in one
   * statement ({@link MarkerPurgeSql}); how many. A table that is not versioned has none.
   */
  public int purgeMarkers(MarkerPurge purge) {
    return markers == null ? 0 : markers.purge(purge);
  }

  /**
   * Upserts and deletes in one transaction (see the class comment); returns the rows PostgreSQL
   * refused for their data, every other row written.
   */
  public List<RefusedRow> write(List<Row> upserts, List<Row> deletes) {
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return List.of();
    }
    List<Change> changes = new ArrayList<>(upserts.size() + deletes.size());
    upserts.forEach(row -> changes.add(new Change(row, false)));
    deletes.forEach(row -> changes.add(new Change(row, true)));
    List<Refused<Change>> refused =
        call(
            "write " + upserts.size() + " rows and delete " + deletes.size(),
            () -> writer.write(sorted(changes)));
    return refused.stream().map(r -> new RefusedRow(r.row().row(), r.reason())).toList();
  }

  private void writeInOneTransaction(List<Change> changes) {
    List<Row> rows = new ArrayList<>(changes.size());
    List<Row> gone = new ArrayList<>();
    changes.forEach(change -> (change.delete() ? gone : rows).add(change.row()));
    jdbi.useTransaction(
        handle -> {
          if (!rows.isEmpty()) {
            upsert(handle, rows);
          }
          if (!gone.isEmpty()) {
            delete(handle, gone);
          }
        });
  }

  private void upsert(Handle handle, List<Row> rows) {
    Update update = handle.createUpdate(sql.upsert());
    List<Column> all = spec.allColumns();
    for (int i = 0; i < all.size(); i++) {
      bind(update, MaterialisedTableSql.parameter(i), all.get(i), rows);
    }
    update.execute();
  }

  private void delete(Handle handle, List<Row> deletes) {
    Update update = handle.createUpdate(sql.delete());
    bind(update, "keys", spec.primaryKey(), deletes);
    if (spec.versioned()) {
      List<Column> source = MaterialisedTableSql.sourceColumns(spec);
      bind(update, "offsets", source.get(0), deletes);
      bind(update, "partitions", source.get(1), deletes);
      bind(update, "generations", source.get(2), deletes);
    }
    update.execute();
  }

  /**
   * Binds one column of every row as an array; timestamps (see {@link Timestamps}) and JSON as text
   * (cast in the SQL).
   */
  private static void bind(Update update, String parameter, Column column, List<Row> rows) {
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

  /** Sorted by primary key when its values compare (all types but {@code bytea}). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Change> sorted(List<Change> changes) {
    if (changes.size() > 1 && spec.primaryKey().type() != ColumnType.BYTEA) {
      String pk = spec.primaryKey().name();
      changes.sort(Comparator.comparing(change -> (Comparable) change.row().get(pk)));
    }
    return changes;
  }

  private <T> T call(String action, Supplier<T> work) {
    return Databases.call(what(), action, work);
  }

  private String what() {
    return "materialised table " + spec.name();
  }

  @Override
  public String toString() {
    return "PostgresMaterialisedTable[" + spec.name() + "]";
  }
}
