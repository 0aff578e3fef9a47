package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.RefusedChanges;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * One materialised table in PostgreSQL. {@link #write} is one transaction of at most three
 * set-based statements: the upsert of the batch's rows ({@code INSERT ... SELECT FROM unnest(...)
 * ON CONFLICT (pk) DO UPDATE ... WHERE <guard>}), the delete of its deletes by key (versioned: the
 * same upsert of deleted markers; else a {@code DELETE}) and, if the batch has any, one statement
 * for its deletes by key columns ({@link DeleteWhereSql}). They touch disjoint rows, so their order
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
  private final Map<List<List<Integer>>, String> deleteWhereSql = new ConcurrentHashMap<>();
  private final Comparator<Row> byKey;
  private final BisectingWriter<RowChanges> writer;

  private PostgresMaterialisedTable(Jdbi jdbi, TableSpec spec) {
    this.jdbi = jdbi;
    this.spec = spec;
    this.sql = MaterialisedTableSql.of(spec);
    this.byKey = byKey(spec);
    this.writer = new BisectingWriter<>(SqlErrors.standard(), this::writeInOneTransaction);
  }

  /**
   * Creates the table if absent (a lost creation race with another process is tried once more), and
   * adds the source and {@code deleted} columns to a versioned table an earlier version created
   * without them.
   */
  public static PostgresMaterialisedTable open(Jdbi jdbi, TableSpec spec) {
    PostgresMaterialisedTable table = new PostgresMaterialisedTable(jdbi, spec);
    Databases.createTable(jdbi, table.what(), table.sql.create());
    if (spec.versioned()) {
      MaterialisedTableUpgrade.addMissingColumns(jdbi, spec);
    }
    return table;
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
            deleteWhere(handle, deletesWhere, upserts, deletes);
          }
        });
  }

  /** Binds columns {@code 0} to {@code count - 1} of {@code rows}. */
  private Update bound(Update update, int count, List<Row> rows) {
    List<Column> all = spec.allColumns();
    for (int i = 0; i < count; i++) {
      bind(update, MaterialisedTableSql.parameter(i), all.get(i), rows);
    }
    return update;
  }

  private Update bind(Update update, List<Row> deletes) {
    List<Column> all = spec.allColumns();
    for (int i : MaterialisedTableSql.deleteColumns(spec)) {
      bind(update, MaterialisedTableSql.parameter(i), all.get(i), deletes);
    }
    return update;
  }

  /**
   * One statement for the deletes by key columns, grouped by the key columns they name, each with
   * its batch order; the keys the batch upserts or deletes that some of them match are excluded.
   */
  private void deleteWhere(Handle handle, List<Row> matches, List<Row> upserts, List<Row> deletes) {
    Map<List<Integer>, List<Row>> bySet = new LinkedHashMap<>();
    Map<List<Integer>, List<Integer>> orders = new LinkedHashMap<>();
    for (int n = 0; n < matches.size(); n++) {
      List<Integer> set = keyColumnsOf(matches.get(n));
      bySet.computeIfAbsent(set, s -> new ArrayList<>()).add(matches.get(n));
      orders.computeIfAbsent(set, s -> new ArrayList<>()).add(n);
    }
    List<List<Integer>> sets = List.copyOf(bySet.keySet());
    Update update =
        handle.createUpdate(deleteWhereSql.computeIfAbsent(sets, s -> DeleteWhereSql.of(spec, s)));
    List<Column> key = spec.primaryKey();
    for (int s = 0; s < sets.size(); s++) {
      List<Row> rows = bySet.get(sets.get(s));
      for (int k : sets.get(s)) {
        bind(update, DeleteWhereSql.match(s, k), key.get(k), rows);
      }
      if (spec.versioned()) {
        List<Column> sources = MaterialisedTableSql.sourceColumns(spec);
        for (int i = 0; i < sources.size(); i++) {
          bind(update, DeleteWhereSql.source(s, i), sources.get(i), rows);
        }
        update.bindArray(DeleteWhereSql.order(s), Integer.class, orders.get(sets.get(s)));
      }
    }
    List<Row> excluded = excluded(bySet, upserts, deletes);
    for (int k = 0; k < key.size(); k++) {
      bind(update, DeleteWhereSql.excluded(k), key.get(k), excluded);
    }
    update.execute();
  }

  /** The upserts and deletes whose key some delete-where matches: it leaves them to them. */
  private List<Row> excluded(
      Map<List<Integer>, List<Row>> bySet, List<Row> upserts, List<Row> deletes) {
    Map<List<Integer>, Set<List<Object>>> matched = new LinkedHashMap<>();
    bySet.forEach(
        (set, rows) -> {
          Set<List<Object>> values = new HashSet<>();
          rows.forEach(row -> values.add(project(row, set)));
          matched.put(set, values);
        });
    List<Row> excluded = new ArrayList<>();
    for (List<Row> rows : List.of(upserts, deletes)) {
      for (Row row : rows) {
        if (matched.entrySet().stream()
            .anyMatch(m -> m.getValue().contains(project(row, m.getKey())))) {
          excluded.add(row);
        }
      }
    }
    return excluded;
  }

  private List<Integer> keyColumnsOf(Row match) {
    List<Integer> set = new ArrayList<>();
    for (int k = 0; k < spec.primaryKey().size(); k++) {
      if (match.values().containsKey(spec.primaryKey().get(k).name())) {
        set.add(k);
      }
    }
    return List.copyOf(set);
  }

  private List<Object> project(Row row, List<Integer> set) {
    List<Object> values = new ArrayList<>(set.size());
    for (int k : set) {
      Object value = row.get(spec.primaryKey().get(k).name());
      values.add(value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value);
    }
    return values;
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
