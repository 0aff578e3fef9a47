package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedChanges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * One materialised table in PostgreSQL. {@link #write} is one transaction of at most three
 * set-based statements: the upsert of the batch's rows ({@code INSERT ... SELECT FROM unnest(...)
 * ON CONFLICT (pk) DO UPDATE ... WHERE <guard>}), the delete of its deletes by key (versioned: the
 * same upsert of deleted markers; else a {@code DELETE}) and, if the batch has any, one statement
 * for its deletes by key columns ({@link DeleteWheres}). They touch disjoint rows, so their order
 * does not matter. Rows are sorted by primary key so two writers of overlapping keys (a zombie
 * after a rebalance) lock in the same order. If PostgreSQL refuses the data of some rows, a {@link
 * BisectingWriter} sets their records apart and writes the others, each half of the batch in its
 * own transaction. Thread-safe: every call borrows its own connection. Other database failures are
 * rethrown as {@link FlowsException} with the cause attached; the runtime rewinds the batch and
 * retries.
 */
public final class PostgresMaterialisedTable {
  private final Jdbi jdbi;
  private final TableSpec spec;
  private final MaterialisedTableSql sql;
  private final DeleteWheres deleteWheres;
  private final Comparator<Row> byKey;
  private final BisectingWriter<RowChanges> writer;
  private final MarkerPurgeSql markers;

  private PostgresMaterialisedTable(Jdbi jdbi, TableSpec spec) {
    this.jdbi = jdbi;
    this.spec = spec;
    this.sql = MaterialisedTableSql.of(spec);
    this.deleteWheres = new DeleteWheres(spec);
    this.byKey = byKey(spec);
    this.writer = new BisectingWriter<>(SqlErrors.standard(), this::writeInOneTransaction);
    this.markers = spec.versioned() ? new MarkerPurgeSql(jdbi, spec) : null;
  }

  /**
   * Creates the table if absent (a lost creation race with another process is tried once more), and
   * adds the source and marker columns to a versioned table an earlier version created without
   * them, and the index of its deleted markers.
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
   * Writes each record's changes (see the class comment and {@link dev.flows.spi.TableSink#write});
   * returns those PostgreSQL refused for their data, every other record's written.
   */
  public List<RefusedChanges> write(List<RowChanges> changes) {
    if (changes.isEmpty()) {
      return List.of();
    }
    return call("write the changes of " + changes.size() + " records", () -> writer.write(changes))
        .stream()
        .map(r -> new RefusedChanges(r.row(), r.reason()))
        .toList();
  }

  private void writeInOneTransaction(List<RowChanges> changes) {
    List<Row> upserts = new ArrayList<>(changes.size());
    List<Row> deletes = new ArrayList<>();
    List<Row> deletesWhere = new ArrayList<>();
    for (RowChanges change : changes) {
      upserts.addAll(change.upserts());
      deletes.addAll(change.deletes());
      deletesWhere.addAll(change.deletesWhere());
    }
    jdbi.useTransaction(
        handle -> {
          if (!upserts.isEmpty()) {
            bound(handle.createUpdate(sql.upsert()), spec.allColumns().size(), sorted(upserts))
                .execute();
          }
          if (!deletes.isEmpty()) {
            bind(handle.createUpdate(sql.delete()), sorted(deletes)).execute();
          }
          if (!deletesWhere.isEmpty()) {
            deleteWheres.execute(handle, deletesWhere, upserts, deletes);
          }
        });
  }

  /** Binds columns {@code 0} to {@code count - 1} of {@code rows}. */
  private Update bound(Update update, int count, List<Row> rows) {
    List<Column> all = spec.allColumns();
    for (int i = 0; i < count; i++) {
      ColumnArrays.bind(update, MaterialisedTableSql.parameter(i), all.get(i), rows);
    }
    return update;
  }

  private Update bind(Update update, List<Row> deletes) {
    List<Column> all = spec.allColumns();
    for (int i : MaterialisedTableSql.deleteColumns(spec)) {
      ColumnArrays.bind(update, MaterialisedTableSql.parameter(i), all.get(i), deletes);
    }
    return update;
  }

  private List<Row> sorted(List<Row> rows) {
    if (rows.size() > 1) {
      rows.sort(byKey);
    }
    return rows;
  }

  /** The primary key order, column by column; {@code bytea} unsigned byte by byte. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Row> byKey(TableSpec spec) {
    Comparator<Row> order = null;
    for (Column column : spec.primaryKey()) {
      String name = column.name();
      Comparator<Row> next =
          column.type() == ColumnType.BYTEA
              ? (a, b) -> Arrays.compareUnsigned((byte[]) a.get(name), (byte[]) b.get(name))
              : Comparator.comparing(row -> (Comparable) row.get(name));
      order = order == null ? next : order.thenComparing(next);
    }
    return order;
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
