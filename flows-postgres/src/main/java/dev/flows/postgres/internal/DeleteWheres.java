package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * Runs a batch's deletes by key columns (delete-wheres) on one materialised table: one statement
 * ({@link DeleteWhereSql}, cached per combination of key column sets), the deletes grouped by the
 * key columns they name, each with its order in the batch, and the batch's upserts and deletes
 * whose key some delete-where matches bound as excluded. Thread-safe.
 */
final class DeleteWheres {
  private final TableSpec spec;
  private final Map<List<List<Integer>>, String> sql = new ConcurrentHashMap<>();

  DeleteWheres(TableSpec spec) {
    this.spec = spec;
  }

  /** Runs {@code matches} in {@code handle}'s transaction, leaving the keys written to the rest. */
  void execute(Handle handle, List<Row> matches, List<Row> upserts, List<Row> deletes) {
    Map<List<Integer>, List<Row>> bySet = new LinkedHashMap<>();
    Map<List<Integer>, List<Integer>> orders = new LinkedHashMap<>();
    for (int n = 0; n < matches.size(); n++) {
      List<Integer> set = keyColumnsOf(matches.get(n));
      bySet.computeIfAbsent(set, s -> new ArrayList<>()).add(matches.get(n));
      orders.computeIfAbsent(set, s -> new ArrayList<>()).add(n);
    }
    List<List<Integer>> sets = List.copyOf(bySet.keySet());
    Update update = handle.createUpdate(sql.computeIfAbsent(sets, s -> DeleteWhereSql.of(spec, s)));
    List<Column> key = spec.primaryKey();
    for (int s = 0; s < sets.size(); s++) {
      List<Row> rows = bySet.get(sets.get(s));
      for (int k : sets.get(s)) {
        ColumnArrays.bind(update, DeleteWhereSql.match(s, k), key.get(k), rows);
      }
      if (spec.versioned()) {
        List<Column> sources = MaterialisedTableSql.sourceColumns(spec);
        for (int i = 0; i < sources.size(); i++) {
          ColumnArrays.bind(update, DeleteWhereSql.source(s, i), sources.get(i), rows);
        }
        ColumnArrays.bindIntegers(update, DeleteWhereSql.order(s), orders.get(sets.get(s)));
      }
    }
    List<Row> excluded = excluded(bySet, upserts, deletes);
    for (int k = 0; k < key.size(); k++) {
      ColumnArrays.bind(update, DeleteWhereSql.excluded(k), key.get(k), excluded);
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

  /** The indexes of the key columns {@code match} names, ascending. */
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
      values.add(PrimaryKeys.identity(value));
    }
    return values;
  }
}
